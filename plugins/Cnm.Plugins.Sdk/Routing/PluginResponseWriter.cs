using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Cnm.Protocol;
using Microsoft.AspNetCore.Http;

namespace Cnm.Plugins.Sdk.Routing;

/// <summary>
/// Writes answers the way go-plugins-helpers does: compact JSON from <see cref="PluginJsonContext"/>, then a
/// newline, with its <c>Content-Type</c> and a <c>Content-Length</c>.
/// </summary>
internal static class PluginResponseWriter
{
    private const string TextContentType = "text/plain; charset=utf-8";
    private static readonly byte[] Newline = "\n"u8.ToArray();

    public static Task WriteAsync<T>(HttpContext context, T value, JsonTypeInfo<T> type)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(value, type);
        return WriteBodyAsync(context, StatusCodes.Status200OK, PluginMediaTypes.PluginResponse, json, Newline);
    }

    public static Task WriteErrorAsync(HttpContext context, ErrorStyle style, string message)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + message.Length);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = PluginJsonContext.Default.Options.Encoder }))
        {
            writer.WriteStartObject();
            writer.WriteString("Err", message);
            if (style == ErrorStyle.Ipam)
            {
                writer.WriteString("Error", message);
            }

            writer.WriteEndObject();
        }

        return WriteBodyAsync(context, StatusCodes.Status500InternalServerError, PluginMediaTypes.PluginResponse,
            buffer.WrittenSpan.ToArray(), Newline);
    }

    /// <summary>A plain-text answer as Go's <c>http.Error</c> writes it (the message, then a newline).</summary>
    public static Task WriteTextAsync(HttpContext context, int status, string message)
    {
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return WriteBodyAsync(context, status, TextContentType, Encoding.UTF8.GetBytes(message), Newline);
    }

    private static async Task WriteBodyAsync(HttpContext context, int status, string contentType, byte[] body, byte[] tail)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength = body.Length + tail.Length;
        var ct = context.RequestAborted;
        await response.Body.WriteAsync(body, ct).ConfigureAwait(false);
        await response.Body.WriteAsync(tail, ct).ConfigureAwait(false);
    }
}
