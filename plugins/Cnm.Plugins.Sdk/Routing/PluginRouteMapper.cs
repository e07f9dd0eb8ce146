using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Cnm.Plugins.Sdk.Routing;

/// <summary>
/// The one handler every route goes through: read the request (when the method has one), call the driver,
/// write its answer, or the error answer when it throws.
/// </summary>
internal sealed class PluginRouteMapper(IEndpointRouteBuilder routes, ErrorStyle style, ILogger logger)
{
    /// <summary>Maps a method whose request has an empty body.</summary>
    public void Map<TResponse>(string method, JsonTypeInfo<TResponse> responseType,
        Func<CancellationToken, Task<TResponse>> call) =>
        MapCore(method, responseType, async (_, ct) => new Outcome<TResponse>(await call(ct).ConfigureAwait(false)));

    /// <summary>Maps a method with a JSON request.</summary>
    public void Map<TRequest, TResponse>(string method, JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType, Func<TRequest, CancellationToken, Task<TResponse>> call)
        where TRequest : class =>
        MapCore(method, responseType, async (context, ct) =>
        {
            var request = await PluginRequestReader.TryReadAsync(context, method, requestType, logger).ConfigureAwait(false);
            return request is null
                ? new Outcome<TResponse>(default, Answered: true)
                : new Outcome<TResponse>(await call(request, ct).ConfigureAwait(false));
        });

    /// <summary>Maps a method that answers <paramref name="empty"/> (<c>{}</c>) on success.</summary>
    public void MapEmpty<TRequest, TResponse>(string method, JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType, TResponse empty, Func<TRequest, CancellationToken, Task> call)
        where TRequest : class =>
        Map(method, requestType, responseType, async (request, ct) =>
        {
            await call(request, ct).ConfigureAwait(false);
            return empty;
        });

    private void MapCore<TResponse>(string method, JsonTypeInfo<TResponse> responseType,
        Func<HttpContext, CancellationToken, Task<Outcome<TResponse>>> run) =>
        routes.Map("/" + method, async context =>
        {
            var ct = context.RequestAborted;
            Outcome<TResponse> outcome;
            try
            {
                outcome = await run(context, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return; // the caller hung up; nobody reads an answer
            }
            catch (Exception ex)
            {
                SdkLog.CallFailed(logger, method, ex.Message, ex);
                await PluginResponseWriter.WriteErrorAsync(context, style, ex.Message).ConfigureAwait(false);
                return;
            }

            if (outcome.Answered)
            {
                return;
            }

            if (outcome.Response is null)
            {
                var message = $"the driver returned no answer (null) to {method}";
                SdkLog.CallFailed(logger, method, message, new InvalidOperationException(message));
                await PluginResponseWriter.WriteErrorAsync(context, style, message).ConfigureAwait(false);
                return;
            }

            await PluginResponseWriter.WriteAsync(context, outcome.Response, responseType).ConfigureAwait(false);
        });

    private readonly record struct Outcome<TResponse>(TResponse? Response, bool Answered = false);
}
