using System.Net.Sockets;
using System.Text;
using Cnm.Protocol;

namespace Cnm.Plugins.Conformance;

/// <summary>What a plugin answered to one raw call: status and body, or why there was no answer.</summary>
internal sealed record RawAnswer(int Status, string Body, string? ContentType, string? Failure)
{
    public bool Answered => Failure is null;
}

/// <summary>
/// Calls a plugin the way the host does (POST, <c>Accept</c>, no <c>Content-Type</c>, body plus newline) but keeps the
/// raw status and body, which the checks judge. Server certificates are not verified: the kit probes, it does not trust.
/// </summary>
internal sealed class RawPlugin : IDisposable
{
    private readonly HttpClient _http;
    private readonly TimeSpan _timeout;
    private readonly string? _host;

    public RawPlugin(PluginSpec spec, ConformanceOptions options)
    {
        _timeout = options.CallTimeout;
        var handler = new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false };
        var address = spec.Address;
        Uri baseUri;
        if (options.ConnectCallback is { } connect)
        {
            handler.ConnectCallback = connect;
            baseUri = new Uri($"http://{PluginMediaTypes.Host}/");
            _host = PluginMediaTypes.Host;
        }
        else if (address.Scheme == "unix")
        {
            var endpoint = new UnixDomainSocketEndPoint(address.LocalPath);
            handler.ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(endpoint, ct).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
            baseUri = new Uri($"http://{PluginMediaTypes.Host}/");
            _host = PluginMediaTypes.Host;
        }
        else
        {
#pragma warning disable CA5359 // the kit probes plugins; it does not trust them
            handler.SslOptions.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
#pragma warning restore CA5359
            baseUri = new Uri($"{(address.Scheme == "https" ? "https" : "http")}://{address.Authority}/");
        }

        _http = new HttpClient(handler) { BaseAddress = baseUri, Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>POSTs <paramref name="json"/> (null: an empty body) to <c>/method</c>; a newline is added to JSON.</summary>
    public async Task<RawAnswer> CallAsync(string method, string? json, CancellationToken cancellationToken, bool raw = false)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        using var request = new HttpRequestMessage(HttpMethod.Post, method)
        {
            Content = new ByteArrayContent(json is null ? [] : Encoding.UTF8.GetBytes(raw ? json : json + "\n")),
        };
        request.Headers.TryAddWithoutValidation("Accept", PluginMediaTypes.Accept);
        if (_host is not null)
        {
            request.Headers.Host = _host;
        }

        try
        {
            using var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            return new RawAnswer((int)response.StatusCode, body, response.Content.Headers.ContentType?.MediaType, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new RawAnswer(0, "", null, $"no answer within {_timeout.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException ex)
        {
            return new RawAnswer(0, "", null, $"the connection failed: {ex.Message}");
        }
    }

    public void Dispose() => _http.Dispose();
}
