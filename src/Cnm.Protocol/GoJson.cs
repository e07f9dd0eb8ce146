using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Cnm.Protocol.Json;

namespace Cnm.Protocol;

/// <summary>
/// Writes plugin JSON byte for byte as the reference host's Go encoder does (spec/plugin-protocol.md, section 2):
/// compact, map keys sorted (the records of <see cref="PluginJsonContext"/> do that whatever the encoder), and
/// strings escaped with <see cref="Encoder"/>. Every request body Cnm sends is made by <see cref="SerializeBody{T}"/>.
/// </summary>
/// <remarks>Thread-safe: each thread reuses one writer and buffer, so a body costs one array of its own size.</remarks>
public static class GoJson
{
    private const int MaxKeptBuffer = 64 * 1024;
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = GoJsonEncoder.Instance };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>
    /// Go's string escaping: <c>"</c>, <c>\</c>, control characters, <c>&lt;</c>, <c>&gt;</c>, <c>&amp;</c>, U+2028 and
    /// U+2029 are escaped (short forms <c>\n \r \t \" \\</c>, else <c>\u</c> with lower-case hex, e.g. <c>\u003c</c>);
    /// everything else, non-ASCII included, is raw UTF-8; invalid input becomes <c>\ufffd</c>.
    /// </summary>
    public static JavaScriptEncoder Encoder => GoJsonEncoder.Instance;

    /// <summary>Go's map-key order: by UTF-8 bytes, i.e. by Unicode code point.</summary>
    public static IComparer<string> MapKeyOrder => GoMapKeyComparer.Instance;

    /// <summary>
    /// A request body as the reference's plugin client sends it (<c>json.NewEncoder(…).Encode</c>): the compact
    /// JSON of <paramref name="value"/>, Go-escaped, then one newline.
    /// </summary>
    public static byte[] SerializeBody<T>(T value, JsonTypeInfo<T> typeInfo) => Serialize(value, typeInfo, newline: true);

    /// <summary>Like <see cref="SerializeBody{T}"/>, for a type known only at run time.</summary>
    public static byte[] SerializeBody(object? value, JsonTypeInfo typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        return Write(writer => JsonSerializer.Serialize(writer, value, typeInfo), newline: true);
    }

    /// <summary>The compact, Go-escaped JSON of <paramref name="value"/>, without a trailing newline.</summary>
    public static byte[] SerializeToUtf8Bytes<T>(T value, JsonTypeInfo<T> typeInfo) => Serialize(value, typeInfo, newline: false);

    private static byte[] Serialize<T>(T value, JsonTypeInfo<T> typeInfo, bool newline)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        var writer = Rent(out var buffer);
        try
        {
            JsonSerializer.Serialize(writer, value, typeInfo);
            return Finish(writer, buffer, newline);
        }
        finally
        {
            Return(buffer);
        }
    }

    private static byte[] Write(Action<Utf8JsonWriter> write, bool newline)
    {
        var writer = Rent(out var buffer);
        try
        {
            write(writer);
            return Finish(writer, buffer, newline);
        }
        finally
        {
            Return(buffer);
        }
    }

    private static Utf8JsonWriter Rent(out ArrayBufferWriter<byte> buffer)
    {
        buffer = t_buffer ??= new ArrayBufferWriter<byte>(512);
        var writer = t_writer ??= new Utf8JsonWriter(buffer, WriterOptions);
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        return writer;
    }

    private static byte[] Finish(Utf8JsonWriter writer, ArrayBufferWriter<byte> buffer, bool newline)
    {
        writer.Flush();
        if (newline)
        {
            buffer.Write("\n"u8);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void Return(ArrayBufferWriter<byte> buffer)
    {
        if (buffer.Capacity > MaxKeptBuffer)
        {
            // One huge body should not pin its buffer on this thread for good.
            t_buffer = null;
            t_writer = null;
        }
    }
}
