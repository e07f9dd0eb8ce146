using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Cnm.Cli;

/// <summary>A failure cnm reports as <c>cnm: message</c> with the given exit code.</summary>
internal sealed class CliException(string message, int exitCode = 1) : Exception(message)
{
    /// <summary>The process exit code: 1 for daemon and connection errors, 2 for usage errors.</summary>
    public int ExitCode { get; } = exitCode;
}

/// <summary>
/// PEM files for TCP: the CA that signed cnmd's certificate (the only anchor trusted for it), and the client
/// certificate and key cnm presents.
/// </summary>
internal sealed record TlsFiles(string? CaCert, string? Cert, string? Key);

/// <summary>A small client for cnmd's API over its unix socket, or over TCP with TLS and a client certificate.</summary>
internal sealed class CnmApiClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _host;

    private CnmApiClient(HttpClient http, string host)
    {
        _http = http;
        _host = host;
    }

    /// <summary>What the progress line names, e.g. <c>network create</c>.</summary>
    public string Operation { get; set; } = "request";

    /// <summary>Creates a client for <c>unix:///path</c>, or <c>tcp://address:port</c> with all of <paramref name="tls"/>.</summary>
    public static CnmApiClient Create(string host, TlsFiles tls)
    {
        if (host.StartsWith("tcp://", StringComparison.Ordinal) && host.Length > "tcp://".Length)
        {
            return CreateTcp(host, tls);
        }

        if (!host.StartsWith("unix://", StringComparison.Ordinal) || host.Length <= "unix://".Length)
        {
            throw new CliException($"unsupported --host {host}: expected unix:///path/to/cnmd.sock or tcp://address:port", 2);
        }

        var socketPath = host["unix://".Length..];
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        var http = new HttpClient(handler) { BaseAddress = new Uri("http://cnmd.localhost"), Timeout = Timeout.InfiniteTimeSpan };
        return new CnmApiClient(http, host);
    }

    /// <summary>cnmd serves TCP only with TLS and client certificates, so cnm needs all three files.</summary>
    private static CnmApiClient CreateTcp(string host, TlsFiles tls)
    {
        var missing = new[] { ("--tlscacert", tls.CaCert), ("--tlscert", tls.Cert), ("--tlskey", tls.Key) }
            .Where(f => string.IsNullOrEmpty(f.Item2)).Select(f => f.Item1).ToList();
        if (missing.Count > 0)
        {
            throw new CliException($"--host {host}: TCP needs TLS files; missing {string.Join(", ", missing)} (or --tls-dir with ca.pem, cert.pem, key.pem)", 2);
        }

        if (!Uri.TryCreate("https://" + host["tcp://".Length..], UriKind.Absolute, out var address))
        {
            throw new CliException($"unsupported --host {host}: expected tcp://address:port", 2);
        }

        var authorities = new X509Certificate2Collection();
        X509Certificate2 client;
        try
        {
            authorities.ImportFromPemFile(tls.CaCert!);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new CliException($"--tlscacert {tls.CaCert}: cannot read a PEM certificate: {ex.Message}", 2);
        }

        try
        {
            client = X509Certificate2.CreateFromPemFile(tls.Cert!, tls.Key);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new CliException($"--tlscert {tls.Cert} / --tlskey {tls.Key}: cannot read the certificate and its key: {ex.Message}", 2);
        }

        if (authorities.Count == 0)
        {
            throw new CliException($"--tlscacert {tls.CaCert}: the file holds no PEM certificate", 2);
        }

        // Only the given CA vouches for cnmd, as the docker CLI does with DOCKER_CERT_PATH/ca.pem.
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.AddRange(authorities);
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions { ClientCertificates = [client], CertificateChainPolicy = policy },
        };
        var http = new HttpClient(handler) { BaseAddress = new Uri(address.GetLeftPart(UriPartial.Authority)), Timeout = Timeout.InfiniteTimeSpan };
        return new CnmApiClient(http, host);
    }

    /// <summary>Sends a request and returns the answer's body; throws <see cref="CliException"/> with the daemon's message.</summary>
    public async Task<string> SendAsync(HttpMethod method, string path, CancellationToken cancellationToken) =>
        await SendAsync<object>(method, path, null, null, cancellationToken).ConfigureAwait(false);

    /// <summary>Sends a request with a JSON body and returns the answer's body.</summary>
    public async Task<string> SendAsync<T>(HttpMethod method, string path, T? body, JsonTypeInfo<T>? typeInfo, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null && typeInfo is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body, typeInfo), Encoding.UTF8, "application/json");
        }

        using var progressCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var progress = ReportSlowAsync(progressCts.Token);
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return text;
            }

            throw new CliException(ErrorMessage(response.StatusCode, text));
        }
        catch (HttpRequestException ex)
        {
            throw new CliException($"cannot reach cnmd at {_host}: {ex.InnerException?.Message ?? ex.Message}");
        }
        finally
        {
            await progressCts.CancelAsync().ConfigureAwait(false);
            await progress.ConfigureAwait(false);
        }
    }

    private async Task ReportSlowAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            await Console.Error.WriteLineAsync($"still waiting for cnmd ({Operation})…").ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static string ErrorMessage(HttpStatusCode status, string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("message", out var message)
                && message.ValueKind == JsonValueKind.String)
            {
                return message.GetString()!;
            }
        }
        catch (JsonException)
        {
        }

        return $"cnmd answered {(int)status} {status}: {text.Trim()}";
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
