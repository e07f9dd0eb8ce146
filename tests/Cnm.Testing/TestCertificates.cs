using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Cnm.Testing;

/// <summary>
/// Certificates made at test time: a CA, server certificates for an IP address and client certificates,
/// signed by that CA, and PEM files of them for <c>.json</c> plugin specs. ECDSA P-256 keeps it fast.
/// </summary>
public static class TestCertificates
{
    // Leaves must expire before their CA, or CertificateRequest.Create refuses them.
    private static readonly TimeSpan CaValidity = TimeSpan.FromDays(7);
    private static readonly TimeSpan LeafValidity = TimeSpan.FromDays(2);

    /// <summary>A self-signed CA certificate with its private key.</summary>
    public static X509Certificate2 CreateCa(string commonName = "Cnm Test CA")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var ca = request.CreateSelfSigned(now.AddHours(-1), now + CaValidity);
        return Reload(ca);
    }

    /// <summary>A server certificate for <paramref name="address"/> (SAN IP), signed by <paramref name="ca"/>, usable by Kestrel.</summary>
    public static X509Certificate2 CreateServer(X509Certificate2 ca, IPAddress address)
    {
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(address);
        return CreateLeaf(ca, $"CN={address}", san.Build(), "1.3.6.1.5.5.7.3.1");
    }

    /// <summary>A client certificate signed by <paramref name="ca"/>.</summary>
    public static X509Certificate2 CreateClient(X509Certificate2 ca, string commonName = "cnm-test-client") =>
        CreateLeaf(ca, $"CN={commonName}", null, "1.3.6.1.5.5.7.3.2");

    /// <summary>Writes the certificate as PEM to <paramref name="path"/>; returns the path.</summary>
    public static string WriteCertificatePem(X509Certificate2 certificate, string path)
    {
        File.WriteAllText(path, certificate.ExportCertificatePem());
        return path;
    }

    /// <summary>Writes the certificate's private key as PKCS#8 PEM to <paramref name="path"/>; returns the path.</summary>
    public static string WriteKeyPem(X509Certificate2 certificate, string path)
    {
        using var key = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("certificate has no ECDSA private key");
        File.WriteAllText(path, key.ExportPkcs8PrivateKeyPem());
        return path;
    }

    private static X509Certificate2 CreateLeaf(X509Certificate2 ca, string subject, X509Extension? san, string usageOid)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usageOid)], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        if (san is not null)
        {
            request.CertificateExtensions.Add(san);
        }

        var now = DateTimeOffset.UtcNow;
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var signed = request.Create(ca, now.AddMinutes(-5), now + LeafValidity, serial);
        using var withKey = signed.CopyWithPrivateKey(key);
        return Reload(withKey);
    }

    // Re-imported through PKCS#12 so that the private key is usable by SslStream (Kestrel) on Linux.
    private static X509Certificate2 Reload(X509Certificate2 certificate) =>
        X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
}
