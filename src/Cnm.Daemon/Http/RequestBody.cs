using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Cnm.Core.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Cnm.Daemon.Http;

/// <summary>
/// Reads a JSON request body with a size cap. Every way a body can be bad (too big, not JSON, wrong types)
/// is an InvalidParameter error, so the client gets 400 and a message and nothing is changed.
/// </summary>
internal static class RequestBody
{
    /// <summary>Largest accepted body: 1 MiB.</summary>
    public const int MaxBytes = 1 << 20;

    private const int ChunkBytes = 16 * 1024;

    /// <summary>
    /// dockerd's CheckForJSON, which its network create, connect and disconnect routes call before reading the
    /// body: no Content-Type is fine only when the request has no body; otherwise the media type must be
    /// <c>application/json</c> (parameters such as <c>charset</c> allowed), else a 400 naming what was sent
    /// (spec/daemon-api.md, "Conventions"). Cnm's native routes do not call it.
    /// </summary>
    public static void RequireJsonContentType(HttpRequest request)
    {
        var contentType = request.Headers.ContentType.FirstOrDefault() ?? "";
        if (contentType.Length == 0 && !CanHaveBody(request))
        {
            return;
        }

        if (System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
            && string.Equals(media.MediaType, DockerJson.ContentType, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        throw CnmException.InvalidParameter($"Content-Type specified ({contentType}) must be '{DockerJson.ContentType}'");
    }

    /// <summary>Go's rule: a body is there unless Content-Length is 0 or there is neither a length nor chunked encoding.</summary>
    private static bool CanHaveBody(HttpRequest request) =>
        request.ContentLength is not 0
        && (request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? request.ContentLength is not null);

    public static async Task<T> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> type, bool allowEmpty = false)
        where T : class, new()
    {
        if (request.ContentLength > MaxBytes)
        {
            throw TooLarge();
        }

        // Read into one rented chunk, and deserialized from it: a body of up to 16 KiB (every request a client sends in a
        // network or endpoint cycle) costs no array of its own. A larger one spills into a stream that grows as the bytes
        // come (a client that declares 1 MiB and sends nothing gets no 1 MiB buffer). A new array per request was a fifth
        // of all that cnmd allocated in a network cycle, and a stream sized by Content-Length still one array (spec/performance.md).
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        MemoryStream? spill = null;
        try
        {
            var filled = 0;
            while (true)
            {
                if (filled == chunk.Length)
                {
                    spill ??= new MemoryStream();
                    spill.Write(chunk, 0, filled);
                    filled = 0;
                }

                var read = await request.Body.ReadAsync(chunk.AsMemory(filled), request.HttpContext.RequestAborted).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                filled += read;
                if ((spill?.Length ?? 0) + filled > MaxBytes)
                {
                    throw TooLarge();
                }
            }

            if (spill is not null)
            {
                spill.Write(chunk, 0, filled);
                return Deserialize(spill.GetBuffer(), (int)spill.Length, type, allowEmpty);
            }

            return Deserialize(chunk, filled, type, allowEmpty);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
            spill?.Dispose();
        }
    }

    private static T Deserialize<T>(byte[] bytes, int length, JsonTypeInfo<T> type, bool allowEmpty)
        where T : class, new()
    {
        if (length == 0)
        {
            return allowEmpty ? new T() : throw CnmException.InvalidParameter("request body is empty: a JSON object is required");
        }

        try
        {
            return JsonSerializer.Deserialize(bytes.AsSpan(0, length), type)
                ?? throw CnmException.InvalidParameter("request body is null: a JSON object is required");
        }
        catch (JsonException ex) when (ex.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal))
        {
            throw CnmException.InvalidParameter($"invalid request body: {ex.Path ?? "$"} has the wrong JSON type");
        }
        catch (JsonException ex)
        {
            throw CnmException.InvalidParameter($"invalid JSON in request body: {ex.Message}");
        }
    }

    private static CnmException TooLarge() =>
        CnmException.InvalidParameter($"request body is larger than {MaxBytes} bytes (1 MiB)");
}
