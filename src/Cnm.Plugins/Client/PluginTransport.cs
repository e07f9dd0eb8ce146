using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Cnm.Protocol;

namespace Cnm.Plugins.Client;

/// <summary>
/// Builds the HTTP handler for a plugin address. Every connection is made by our own
/// <see cref="SocketsHttpHandler.ConnectCallback"/>, so a failure to connect is told apart exactly
/// from a failure after the request was sent.
/// </summary>
internal static class PluginTransport
{
    // sockaddr_un.sun_path is 108 bytes on Linux, including the terminating NUL.
    private const int MaxUnixPathBytes = 107;

    public static Uri Target(PluginSpec spec)
    {
        var address = spec.Address;
        return address.Scheme switch
        {
            // The URI's authority is the Host line the reference sends, so no Host header is set per call: SocketsHttpHandler
            // writes its pool's cached line, where a header on the request is parsed and validated again on every call.
            "unix" => new Uri($"http://{PluginMediaTypes.Host}/"),
            "tcp" or "http" => new Uri($"http://{Authority(spec)}/"),
            "https" => new Uri($"https://{Authority(spec)}/"),
            _ => throw new PluginException(ErrorCategory.InvalidParameter, spec.Name, null,
                $"unsupported address scheme \"{address.Scheme}\" in {address} (expected unix, tcp, http or https)"),
        };
    }

    public static SocketsHttpHandler CreateHandler(PluginSpec spec, PluginClientOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionIdleTimeout = options.PooledConnectionIdleTimeout,
            MaxConnectionsPerServer = options.MaxConnectionsPerPlugin,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            MaxResponseHeadersLength = 64,
            // Trace headers go to the plugin only for a plugin call's own activity (PluginMetrics.Source), never for
            // whatever activity is current around an untraced call (spec/plugin-protocol.md, section 4).
            ActivityHeadersPropagator = PluginCallPropagator.Instance,
        };

        if (options.ConnectCallback is { } connect)
        {
            handler.UseProxy = false;
            handler.ConnectCallback = async (context, ct) =>
            {
                try
                {
                    return await connect(context, ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    throw new ConnectFailedException(ex.Message, ex);
                }
            };
        }
        else if (spec.Address.Scheme == "unix")
        {
            var path = spec.Address.LocalPath;
            if (System.Text.Encoding.UTF8.GetByteCount(path) > MaxUnixPathBytes)
            {
                throw new PluginException(ErrorCategory.InvalidParameter, spec.Name, null,
                    $"unix socket path \"{path}\" is too long (the limit is {MaxUnixPathBytes} bytes)");
            }

            handler.UseProxy = false;
            var endpoint = new UnixDomainSocketEndPoint(path);
            handler.ConnectCallback = (context, ct) =>
                ConnectAsync(new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified), endpoint,
                    options.ConnectTimeout, ct, path);
        }
        else
        {
            // Like the reference, TCP plugins honour HTTP_PROXY/NO_PROXY from the environment.
            handler.ConnectCallback = (context, ct) =>
                ConnectAsync(new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true }, context.DnsEndPoint,
                    options.ConnectTimeout, ct);
        }

        if (spec.Address.Scheme == "https")
        {
            handler.SslOptions = CreateSslOptions(spec);
        }

        return handler;
    }

    /// <summary>The socket error behind a failed connection attempt, or null when the failure came later.</summary>
    public static Exception? FindConnectFailure(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is ConnectFailedException connect)
            {
                return connect;
            }
        }

        return null;
    }

    private static async ValueTask<Stream> ConnectAsync(Socket socket, EndPoint endpoint, TimeSpan timeout,
        CancellationToken cancellationToken, string? unixPath = null)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(endpoint, attempt.Token).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new ConnectFailedException(Describe(ex, unixPath), ex);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new ConnectFailedException($"connecting timed out after {timeout.TotalSeconds:0.###} s", null);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static string Describe(SocketException error, string? unixPath)
    {
        if (unixPath is null)
        {
            return error.Message;
        }

        // .NET reports ECONNREFUSED on unix sockets as AddressNotAvailable ("Cannot assign requested address").
        if (!Path.Exists(unixPath))
        {
            return "the socket file does not exist";
        }

        return error.SocketErrorCode is SocketError.AddressNotAvailable or SocketError.ConnectionRefused
            ? "connection refused (the socket file exists but nothing is listening on it)"
            : error.Message;
    }

    private static SslClientAuthenticationOptions CreateSslOptions(PluginSpec spec)
    {
        var tls = spec.Tls;
        var ssl = new SslClientAuthenticationOptions { TargetHost = spec.Address.Host };
        if (tls is null)
        {
            return ssl; // no TLSConfig: platform defaults, verification on (docs/reference-host.md §2.7)
        }

        if (!string.IsNullOrEmpty(tls.CertFile) || !string.IsNullOrEmpty(tls.KeyFile))
        {
            if (string.IsNullOrEmpty(tls.CertFile) || string.IsNullOrEmpty(tls.KeyFile))
            {
                throw new PluginException(ErrorCategory.InvalidParameter, spec.Name, null,
                    "TLSConfig needs both CertFile and KeyFile, or neither");
            }

            ssl.ClientCertificates = [LoadClientCertificate(spec, tls.CertFile, tls.KeyFile)];
        }

        if (tls.InsecureSkipVerify)
        {
            // The plugin's own spec asked for no verification (docs/reference-host.md §2.7: a .spec file, or a
            // TLSConfig without CAFile, means InsecureSkipVerify in the reference).
#pragma warning disable CA5359
            ssl.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
#pragma warning restore CA5359
        }
        else if (!string.IsNullOrEmpty(tls.CAFile))
        {
            var roots = LoadCaCertificates(spec, tls.CAFile);
            ssl.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                ValidateWithRoots(certificate, errors, roots);
        }

        return ssl;
    }

    private static bool ValidateWithRoots(X509Certificate? certificate, SslPolicyErrors errors,
        X509Certificate2Collection roots)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true; // trusted by the system roots already (the reference adds the CA to the system pool)
        }

        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)
            || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }

    private static X509Certificate2Collection LoadCaCertificates(PluginSpec spec, string caFile)
    {
        try
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(caFile);
            if (roots.Count == 0)
            {
                throw new PluginException(ErrorCategory.InvalidParameter, spec.Name, null,
                    $"TLSConfig.CAFile \"{caFile}\" holds no PEM certificate");
            }

            return roots;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new PluginException(ErrorCategory.InvalidParameter, spec.Name, null,
                $"cannot read TLSConfig.CAFile \"{caFile}\": {ex.Message}", innerException: ex);
        }
    }

    private static X509Certificate2 LoadClientCertificate(PluginSpec spec, string certFile, string keyFile)
    {
        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(certFile, keyFile);
            // Re-import so the key is usable by SslStream on every platform.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new PluginException(ErrorCategory.InvalidParameter, spec.Name, null,
                $"cannot load the client certificate (CertFile \"{certFile}\", KeyFile \"{keyFile}\"): {ex.Message}",
                innerException: ex);
        }
    }

    private static string Authority(PluginSpec spec)
    {
        var address = spec.Address;
        if (string.IsNullOrEmpty(address.Host))
        {
            throw new PluginException(ErrorCategory.InvalidParameter, spec.Name, null,
                $"address {address} has no host");
        }

        return address.IsDefaultPort && address.Scheme == "tcp" ? address.Host : address.Authority;
    }
}
