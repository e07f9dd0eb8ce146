using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Cnm.Daemon.Hosting;

/// <summary>
/// The TLS files of <c>--tlscacert</c>, <c>--tlscert</c> and <c>--tlskey</c>, loaded once at start-up, and the
/// client-certificate check: a chain built with the given CA(s) as the only trust anchors, never the system's.
/// </summary>
internal sealed class TlsMaterial : IDisposable
{
    private const string ClientAuthenticationOid = "1.3.6.1.5.5.7.3.2";

    private TlsMaterial(X509Certificate2Collection authorities, X509Certificate2 serverCertificate)
    {
        Authorities = authorities;
        ServerCertificate = serverCertificate;
    }

    /// <summary>The CA certificates that client certificates must chain to.</summary>
    public X509Certificate2Collection Authorities { get; }

    /// <summary>The server certificate with its private key.</summary>
    public X509Certificate2 ServerCertificate { get; }

    /// <summary>Loads the files; throws <see cref="InvalidOperationException"/> naming the flag, the file and the reason.</summary>
    public static TlsMaterial Load(DaemonOptions options)
    {
        var caFile = options.TlsCaCert!;
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(caFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new InvalidOperationException($"--tlscacert {caFile}: cannot read a PEM certificate: {ex.Message}", ex);
        }

        if (authorities.Count == 0)
        {
            throw new InvalidOperationException($"--tlscacert {caFile}: the file holds no PEM certificate");
        }

        RequireReadable("--tlscert", options.TlsCert!);
        RequireReadable("--tlskey", options.TlsKey!);
        X509Certificate2 server;
        try
        {
            server = X509Certificate2.CreateFromPemFile(options.TlsCert!, options.TlsKey);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            throw new InvalidOperationException(
                $"--tlscert {options.TlsCert} / --tlskey {options.TlsKey}: not a PEM certificate and its matching private key: {ex.Message}", ex);
        }

        return new TlsMaterial(authorities, server);
    }

    /// <summary>True when <paramref name="certificate"/> chains to one of <see cref="Authorities"/> and may authenticate a client.</summary>
    public bool IsTrustedClient(X509Certificate2? certificate)
    {
        if (certificate is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(Authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(ClientAuthenticationOid));
        return chain.Build(certificate);
    }

    private static void RequireReadable(string flag, string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"{flag} {path}: cannot read the file: {ex.Message}", ex);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        ServerCertificate.Dispose();
        foreach (var authority in Authorities)
        {
            authority.Dispose();
        }
    }
}
