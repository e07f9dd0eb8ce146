using System.Text.Json;
using Cnm.Core.Errors;
using Cnm.Daemon.ApiDocs;

namespace Cnm.Daemon.DockerApi.Events;

/// <summary><c>GET /events</c>: Docker's event stream, one JSON message per line, flushed as each event happens.</summary>
internal static class EventEndpoints
{
    /// <summary>CancelAfter's limit; an <c>until</c> further ahead than this simply never ends the stream by itself.</summary>
    private static readonly TimeSpan LongestTimer = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    public static void MapDockerEvents(this IEndpointRouteBuilder app, EventHub hub, TimeProvider time)
    {
        // Open streams end when cnmd stops, instead of holding its shutdown for the host's timeout.
        var stopping = app.ServiceProvider.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        app.MapGet("/events", async Task (HttpContext context, CancellationToken requestAborted) =>
        {
            var query = context.Request.Query;
            var sinceText = query["since"].FirstOrDefault();
            var untilText = query["until"].FirstOrDefault();
            var since = EventTime.Parse("since", sinceText);
            var until = EventTime.Parse("until", untilText);
            if (until is not null && until < (since ?? long.MinValue))
            {
                throw CnmException.InvalidParameter($"`since` time ({sinceText}) cannot be after `until` time ({untilText})");
            }

            var filter = EventFilter.Parse(query["filters"].FirstOrDefault());
            var now = (time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;
            var onlyPast = until is not null && until < now;

            using var subscription = hub.Subscribe(filter.Include, since, until, out var past);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, stopping);
            if (until is not null && !onlyPast)
            {
                var wait = TimeSpan.FromTicks((until.Value - now) / 100);
                if (wait < LongestTimer)
                {
                    stop.CancelAfter(wait);
                }
            }

            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = DockerJson.ContentType;
            await context.Response.Body.FlushAsync(requestAborted).ConfigureAwait(false);
            foreach (var message in past)
            {
                await WriteAsync(context.Response, message, requestAborted).ConfigureAwait(false);
            }

            if (onlyPast)
            {
                return;
            }

            try
            {
                await foreach (var message in subscription.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
                {
                    if (until is not null && message.TimeNano > until)
                    {
                        break;
                    }

                    await WriteAsync(context.Response, message, stop.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // until reached, the client went away, or cnmd is stopping: the stream ends normally.
            }
            catch (IOException)
            {
                // The client went away while an event was being written.
            }
        })
            .WithName("SystemEvents").WithSummary("Stream Docker's network events (create, connect, disconnect, destroy) as they happen, one JSON message per line")
            .WithTags(RouteDescriptions.DockerTag)
            .WithQueryParameter("since", "Unix timestamp (seconds, optional fraction): also send the kept events (the last 256) from then on.")
            .WithQueryParameter("until", "Unix timestamp: end the stream then; in the past, send only the kept events up to it and end.")
            .WithQueryParameter("filters", """JSON map of filter key to values, {"key":{"value":true}} or {"key":["value"]}. Keys: type, event, network, container, scope, label, and Docker's other object keys; an unknown key, type, scope or action is a 400.""")
            .Produces<EventMessage>(StatusCodes.Status200OK, DockerJson.ContentType)
            .ProducesErrors(StatusCodes.Status400BadRequest);
    }

    private static async Task WriteAsync(HttpResponse response, EventMessage message, CancellationToken cancellationToken)
    {
        await JsonSerializer.SerializeAsync(response.Body, message, DockerJson.Context.EventMessage, cancellationToken).ConfigureAwait(false);
        await response.Body.WriteAsync("\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
