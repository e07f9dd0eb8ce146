using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Cnm.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cnm.Plugins.Client;

/// <summary>
/// Calls one plugin over the Docker plugin protocol: <c>POST /Iface.Method</c> with a JSON body,
/// answered by JSON. One instance per plugin; it owns a keep-alive connection pool.
/// </summary>
/// <remarks>
/// Failures are <see cref="PluginException"/>s whose message names the plugin, the method and the reason.
/// Only a connection that could not be made is retried (backoff 1, 2, 4, 8 s … within
/// <see cref="PluginClientOptions.ConnectRetryBudget"/>); once a request byte was written it is never
/// sent again (docs/decisions.md, "socket exists, nobody listening").
/// </remarks>
public sealed partial class PluginClient : IDisposable
{
    private const string GoUserAgent = "Go-http-client/1.1";
    private static readonly TimeSpan MinimumRetryWait = TimeSpan.FromMilliseconds(50);

    private readonly HttpMessageInvoker _http;
    private readonly PluginClientOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Uri _baseUri;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Uri> _methodUris = new(StringComparer.Ordinal);

    /// <summary>A call's timeout source, kept for the next call once reset (<see cref="TakeTimeout"/>).</summary>
    private CancellationTokenSource? _spareTimeout;

    /// <summary>Creates a client for the plugin described by <paramref name="spec"/>.</summary>
    public PluginClient(PluginSpec spec, PluginClientOptions? options = null, TimeProvider? timeProvider = null,
        ILogger<PluginClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _options = options ?? new PluginClientOptions();
        _options.Validate();
        Spec = spec;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _baseUri = PluginTransport.Target(spec);
        // The handler itself, without HttpClient over it: the call has its own timeout and reads the body itself,
        // so HttpClient would only add a linked cancellation source and its bookkeeping to every call.
        _http = new HttpMessageInvoker(PluginTransport.CreateHandler(spec, _options), disposeHandler: true);
    }

    /// <summary>The plugin this client talks to.</summary>
    public PluginSpec Spec { get; }

    /// <summary>Calls a method that takes no arguments; the request body is empty, as in the reference.</summary>
    public Task<TResponse> CallAsync<TResponse>(string method, JsonTypeInfo<TResponse> responseType,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(responseType);
        return SendAsync(method, [], responseType, cancellationToken);
    }

    /// <summary>
    /// Calls a method with a JSON request body in Go's encoder form: compact, Go-escaped, then a newline
    /// (<see cref="GoJson.SerializeBody{T}"/>).
    /// </summary>
    public Task<TResponse> CallAsync<TRequest, TResponse>(string method, TRequest request,
        JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requestType);
        ArgumentNullException.ThrowIfNull(responseType);
        return SendAsync(method, GoJson.SerializeBody(request, requestType), responseType, cancellationToken);
    }

    private async Task<TResponse> SendAsync<TResponse>(string method, byte[] body, JsonTypeInfo<TResponse> responseType,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(method);
        var started = _time.GetTimestamp();
        // A client activity per call while tracing listens: HttpClient then sends its W3C traceparent to the plugin.
        using var activity = PluginMetrics.Source.HasListeners()
            ? PluginMetrics.Source.StartActivity($"plugin {method}", ActivityKind.Client)
            : null;
        activity?.SetTag("cnm.plugin", Spec.Name);
        var timeout = TakeTimeout();
        // The caller's token cancels the call's own source: one token for the call, without a linked source per call.
        var callerRegistration = cancellationToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), timeout);
        try
        {
            using var response = await SendWithConnectRetryAsync(method, body, started, timeout.Token).ConfigureAwait(false);
            var payload = await ReadBodyAsync(response, method, timeout.Token).ConfigureAwait(false);
            var result = Decode(method, (int)response.StatusCode, payload, responseType);
            var elapsed = _time.GetElapsedTime(started);
            PluginMetrics.Record(Spec.Name, method, null, elapsed);
            Log.CallSucceeded(_logger, Spec.Name, method, elapsed.TotalMilliseconds);
            return result;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var error = Fail(ErrorCategory.Timeout, method,
                $"no answer within {_options.CallTimeout.TotalSeconds:0.###} s (the call timeout)");
            Failed(activity, method, error, started);
            throw error;
        }
        catch (OperationCanceledException)
        {
            PluginMetrics.Record(Spec.Name, method, "canceled", _time.GetElapsedTime(started));
            activity?.SetStatus(ActivityStatusCode.Error, "canceled");
            throw;
        }
        catch (PluginException error)
        {
            Failed(activity, method, error, started);
            throw;
        }
        finally
        {
            callerRegistration.Dispose();
            ReturnTimeout(timeout, started);
        }
    }

    /// <summary>
    /// The call's timeout source, armed with <see cref="PluginClientOptions.CallTimeout"/>: the one a finished call
    /// left, or a new one. A new source and its timer per call were a twentieth of what a network cycle allocated in cnmd.
    /// </summary>
    private CancellationTokenSource TakeTimeout()
    {
        if (Interlocked.Exchange(ref _spareTimeout, null) is { } spare)
        {
            spare.CancelAfter(_options.CallTimeout);
            return spare;
        }

        return new CancellationTokenSource(_options.CallTimeout, _time);
    }

    /// <summary>
    /// Keeps <paramref name="timeout"/> for the next call when it was not cancelled and its timer is far from due: a
    /// call that ended before half its timeout cannot have a timer callback in flight, which could otherwise cancel
    /// the next call that takes the source. Any other source is disposed.
    /// </summary>
    private void ReturnTimeout(CancellationTokenSource timeout, long started)
    {
        if (_time.GetElapsedTime(started) < _options.CallTimeout / 2 && timeout.TryReset()
            && Interlocked.CompareExchange(ref _spareTimeout, timeout, null) is null)
        {
            return;
        }

        timeout.Dispose();
    }

    private void Failed(Activity? activity, string method, PluginException error, long started)
    {
        PluginMetrics.Record(Spec.Name, method, PluginMetrics.CategoryTag(error.Category), _time.GetElapsedTime(started));
        activity?.SetStatus(ActivityStatusCode.Error, error.Reason);
        Log.CallFailed(_logger, Spec.Name, method, error.Reason);
        Log.CallFailedDetail(_logger, Spec.Name, method, error);
    }

    private async Task<HttpResponseMessage> SendWithConnectRetryAsync(string method, byte[] body, long started,
        CancellationToken cancellationToken)
    {
        var budget = _options.ConnectRetryBudget;
        var backoff = TimeSpan.FromSeconds(1);
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, MethodUri(method))
            {
                Version = HttpVersion.Version11,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            };
            // Raw adds: the same bytes as the typed setters, without their parse and validation cost per call.
            request.Headers.TryAddWithoutValidation("Accept", PluginMediaTypes.Accept);
            // What Go's client sends; on the wire a plugin must not tell Cnm from the reference (docs/decisions.md, rule one).
            request.Headers.TryAddWithoutValidation("User-Agent", GoUserAgent);
            // Always a Content, even an empty one: SocketsHttpHandler then never re-sends the request on
            // another pooled connection once it began writing it.
            request.Content = new ByteArrayContent(body);
            try
            {
                // An invoker never buffers the response: what HttpCompletionOption.ResponseHeadersRead asked of HttpClient.
                return await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex) when (PluginTransport.FindConnectFailure(ex) is { } connectError)
            {
                var elapsed = _time.GetElapsedTime(started);
                var remaining = budget - elapsed;
                // Timers may fire a little early; a sliver of budget left is no reason for another attempt.
                if (remaining <= MinimumRetryWait)
                {
                    throw Fail(ErrorCategory.Unavailable, method,
                        $"cannot connect to {Spec.Address}: {connectError.Message} ({attempt} attempt{(attempt == 1 ? "" : "s")} in {elapsed.TotalSeconds:0.0} s)",
                        inner: ex);
                }

                var wait = backoff < remaining ? backoff : remaining;
                Log.ConnectRetry(_logger, Spec.Name, method, connectError.Message, wait.TotalSeconds);
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
                backoff = backoff * 2 > TimeSpan.FromSeconds(30) ? TimeSpan.FromSeconds(30) : backoff * 2;
            }
            catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.SecureConnectionError)
            {
                // The TLS handshake failed: nothing of the request was sent, and retrying cannot help.
                throw Fail(ErrorCategory.Unavailable, method,
                    $"TLS handshake with {Spec.Address} failed, so the request was not sent: {Innermost(ex).Message}", inner: ex);
            }
            catch (HttpRequestException ex)
            {
                // The connection was made and the request (or part of it) may have reached the plugin:
                // never sent again, because the plugin may already have acted on it.
                throw Fail(ErrorCategory.Unavailable, method,
                    $"the connection failed after the request was sent, so it was not retried: {Innermost(ex).Message}",
                    inner: ex);
            }
        }
    }

    private async Task<byte[]> ReadBodyAsync(HttpResponseMessage response, string method, CancellationToken cancellationToken)
    {
        var limit = _options.MaxResponseBytes;
        var length = response.Content.Headers.ContentLength; // each read of the property looks the header up again
        if (length is long declared && declared > limit)
        {
            throw Fail(ErrorCategory.Internal, method,
                $"response of {declared} bytes is larger than the limit of {limit} bytes", (int)response.StatusCode);
        }

        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                return await BoundedRead.ReadAllAsync(stream, length, limit, cancellationToken)
                    .ConfigureAwait(false)
                    ?? throw Fail(ErrorCategory.Internal, method,
                        $"response is larger than the limit of {limit} bytes", (int)response.StatusCode);
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            throw Fail(ErrorCategory.Unavailable, method,
                $"the connection failed while reading the response: {Innermost(ex).Message}", (int)response.StatusCode, ex);
        }
    }

    private TResponse Decode<TResponse>(string method, int status, byte[] payload, JsonTypeInfo<TResponse> responseType)
    {
        if (status != 200)
        {
            var reason = PluginErrorBody.Describe(payload, status);
            if (status == 404)
            {
                reason = $"the plugin does not implement this method (HTTP 404: {reason})";
            }

            throw Fail(ErrorCategories.FromPluginStatus(status), method, reason, status);
        }

        if (payload.AsSpan().Trim(" \t\r\n"u8).IsEmpty)
        {
            throw Fail(ErrorCategory.Internal, method, "the plugin answered 200 with an empty body", status);
        }

        TResponse? result;
        try
        {
            result = JsonSerializer.Deserialize(payload, responseType);
        }
        catch (JsonException ex)
        {
            throw Fail(ErrorCategory.Internal, method,
                $"the response is not valid JSON for {typeof(TResponse).Name}: {ex.Message} (body: {PluginErrorBody.Excerpt(payload)})",
                status, ex);
        }

        // A JSON null leaves the response at its zero value, as Go's decoder does.
        result ??= JsonSerializer.Deserialize("{}"u8, responseType)!;
        if (result is IErrorResponse { ErrorText: { Length: > 0 } text })
        {
            throw Fail(ErrorCategory.Internal, method, text, status);
        }

        return result;
    }

    private Uri MethodUri(string method) =>
        _methodUris.GetOrAdd(method, static (m, baseUri) => new Uri(baseUri, m), _baseUri);

    private PluginException Fail(ErrorCategory category, string method, string reason, int? status = null,
        Exception? inner = null) => new(category, Spec.Name, method, reason, status, inner);

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _http.Dispose();
        Interlocked.Exchange(ref _spareTimeout, null)?.Dispose();
    }
}
