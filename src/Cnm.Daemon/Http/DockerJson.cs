using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Cnm.Daemon.Http;

/// <summary>
/// Writes API answers as Docker does: <c>Content-Type: application/json</c> exactly (the docker CLI reads an
/// error's <c>message</c> only for that type), quotes left unescaped and a newline after the value, as Go's encoder
/// writes them, and framed as Go's HTTP server frames them: a body of at most <see cref="BufferBeforeChunking"/> bytes
/// goes out with its <c>Content-Length</c>, in one write, a larger one chunked (spec/daemon-api.md, "Framing").
/// </summary>
internal static class DockerJson
{
    public const string ContentType = "application/json";

    /// <summary>
    /// Go's net/http buffers this much of a handler's body before it starts chunking; a body that fits when the handler
    /// returns is sent with a <c>Content-Length</c> instead (dockerd's httputils.WriteJSON encodes into that buffer).
    /// </summary>
    public const int BufferBeforeChunking = 2048;

    /// <summary>The context with Go-like escaping; use its typed properties for every body.</summary>
    public static readonly DockerJsonContext Context = new(new JsonSerializerOptions(DockerJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static IResult Result<T>(T value, JsonTypeInfo<T> type, int statusCode = StatusCodes.Status200OK) =>
        new JsonResult<T>(value, type, statusCode);

    /// <summary>
    /// Writes <paramref name="value"/> as the whole answer, with <paramref name="statusCode"/>: one write of the headers
    /// and the body for a small body, where ASP.NET Core's JSON writer streams it chunked and ends the chunks in a
    /// second write (two wake-ups of the client instead of one).
    /// </summary>
    public static Task WriteAsync<T>(HttpResponse response, T value, JsonTypeInfo<T> type, int statusCode)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(value, type);
        response.StatusCode = statusCode;
        response.ContentType = ContentType;
        if (body.Length + 1 <= BufferBeforeChunking)
        {
            response.ContentLength = body.Length + 1;
        }

        var writer = response.BodyWriter;
        writer.Write(body);
        writer.Write("\n"u8);
        return writer.FlushAsync().AsTask();
    }

    private sealed class JsonResult<T>(T value, JsonTypeInfo<T> type, int statusCode) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => WriteAsync(httpContext.Response, value, type, statusCode);
    }
}
