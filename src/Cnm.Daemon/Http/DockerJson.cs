using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Cnm.Daemon.Http;

/// <summary>
/// Writes API answers as Docker does: <c>Content-Type: application/json</c> exactly (the docker CLI reads an
/// error's <c>message</c> only for that type) and quotes left unescaped, as Go's encoder leaves them.
/// </summary>
internal static class DockerJson
{
    public const string ContentType = "application/json";

    /// <summary>The context with Go-like escaping; use its typed properties for every body.</summary>
    public static readonly DockerJsonContext Context = new(new JsonSerializerOptions(DockerJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static IResult Result<T>(T value, JsonTypeInfo<T> type, int statusCode = StatusCodes.Status200OK) =>
        Results.Json(value, type, ContentType, statusCode);
}
