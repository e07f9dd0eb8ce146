using System.Text;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace Cnm.Plugins.Testing;

/// <summary>Serves a <see cref="MockPlugin"/> script through WireMock.Net: every request goes to one callback.</summary>
internal static class MockWireMock
{
    public static WireMockServer Start(MockPlugin plugin, CancellationToken stopping)
    {
        var server = WireMockServer.Start();
        server.Given(Request.Create().UsingAnyMethod())
            .RespondWith(Response.Create().WithCallback(request => RespondAsync(plugin, request, stopping)));
        return server;
    }

    private static async Task<IResponseMessage> RespondAsync(MockPlugin plugin, IRequestMessage request, CancellationToken stopping)
    {
        var headers = (request.Headers ?? new Dictionary<string, WireMockList<string>>())
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        var body = request.BodyAsBytes ?? (request.Body is { } text ? Encoding.UTF8.GetBytes(text) : []);
        var reply = plugin.Handle(request.Path.TrimStart('/'), request.Method, headers, body, request.ClientIP);
        try
        {
            if (reply.Delay > TimeSpan.Zero)
            {
                await Task.Delay(reply.Delay, stopping).ConfigureAwait(false);
            }

            if (reply.Hang)
            {
                await Task.Delay(Timeout.Infinite, stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }

        if (reply.Drop || reply.Hang)
        {
            return new ResponseMessage { FaultType = FaultType.EMPTY_RESPONSE, FaultPercentage = 1.0 };
        }

        var response = new ResponseMessage
        {
            StatusCode = reply.Status,
            Headers = new Dictionary<string, WireMockList<string>>(),
        };
        if (reply.Body is not null)
        {
            response.Headers["Content-Type"] = new WireMockList<string>(reply.ContentType);
            response.BodyData = new BodyData
            {
                BodyAsString = reply.Body,
                DetectedBodyType = BodyType.String,
                Encoding = new UTF8Encoding(false),
            };
        }

        return response;
    }
}
