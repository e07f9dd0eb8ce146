using System.Net;
using System.Net.Sockets;
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

/// <summary>A small client for cnmd's API over its unix socket.</summary>
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

    /// <summary>Creates a client for <c>unix:///path</c>.</summary>
    public static CnmApiClient Create(string host)
    {
        if (!host.StartsWith("unix://", StringComparison.Ordinal) || host.Length <= "unix://".Length)
        {
            throw new CliException($"unsupported --host {host}: only unix:///path/to/cnmd.sock is supported", 2);
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
