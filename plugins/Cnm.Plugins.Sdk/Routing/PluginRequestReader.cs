using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Cnm.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cnm.Plugins.Sdk.Routing;

/// <summary>
/// Reads a request body with <see cref="PluginJsonContext"/> (keys case-insensitive, unknown keys ignored). A
/// body that is not one JSON object is answered 400 with a text message, as go-plugins-helpers does.
/// </summary>
internal static class PluginRequestReader
{
    /// <summary>The request, or null when a 400 was already written.</summary>
    public static async Task<T?> TryReadAsync<T>(HttpContext context, string method, JsonTypeInfo<T> type, ILogger logger)
        where T : class
    {
        string problem;
        try
        {
            var value = await JsonSerializer.DeserializeAsync(context.Request.Body, type, context.RequestAborted)
                .ConfigureAwait(false);
            if (value is not null)
            {
                return value;
            }

            problem = "the body is JSON null; a JSON object is expected";
        }
        catch (JsonException ex)
        {
            problem = context.Request.ContentLength == 0
                ? "the body is empty; a JSON object is expected"
                : $"malformed JSON: {ex.Message}";
        }

        var message = $"{method}: cannot decode the request: {problem}";
        SdkLog.MalformedRequest(logger, method, problem);
        await PluginResponseWriter.WriteTextAsync(context, StatusCodes.Status400BadRequest, message).ConfigureAwait(false);
        return null;
    }
}
