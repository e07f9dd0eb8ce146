using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;

namespace Cnm.Protocol.Json;

/// <summary>
/// Escapes strings byte for byte as Go's <c>encoding/json</c> does with its default HTML-safe setting, which
/// the reference's plugin client uses (<c>json.NewEncoder(…).Encode</c>), as built with Go 1.21 and older
/// (Docker 20.10):
/// <list type="bullet">
/// <item><c>"</c> and <c>\</c> get a backslash; newline, carriage return and tab are <c>\n</c>, <c>\r</c>, <c>\t</c>;</item>
/// <item>every other control character, <c>&lt;</c>, <c>&gt;</c>, <c>&amp;</c>, U+2028 and U+2029 are <c>\u00XX</c>
/// or <c>\u20XX</c> with <b>lower-case</b> hex (Go 1.22 writes <c>\b</c> and <c>\f</c>; 1.21 and older, <c>\u0008</c> and
/// <c>\u000c</c>);</item>
/// <item>everything else, DEL and all non-ASCII included, is written raw as UTF-8;</item>
/// <item>each byte of invalid UTF-8 (and each unpaired surrogate) becomes the six characters <c>\ufffd</c>.</item>
/// </list>
/// </summary>
internal sealed class GoJsonEncoder : JavaScriptEncoder
{
    private const int MaxEscapeLength = 6;

    // Bytes that are escaped, or that start a sequence that may need it (any non-ASCII byte is checked).
    private static readonly SearchValues<byte> SpecialBytes = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(b => (byte)b), (byte)'"', (byte)'\\', (byte)'<', (byte)'>', (byte)'&',
         .. Enumerable.Range(0x80, 0x80).Select(b => (byte)b)]);

    private static readonly SearchValues<char> SpecialChars = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(c => (char)c), '"', '\\', '<', '>', '&', '\u2028', '\u2029',
         .. Enumerable.Range(0xD800, 0x800).Select(c => (char)c)]);

    private GoJsonEncoder()
    {
    }

    public static GoJsonEncoder Instance { get; } = new();

    public override int MaxOutputCharactersPerInputCharacter => MaxEscapeLength;

    public override bool WillEncode(int unicodeScalar) =>
        unicodeScalar is < 0x20 or '"' or '\\' or '<' or '>' or '&' or 0x2028 or 0x2029;

    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength) =>
        FindFirstToEscape(new ReadOnlySpan<char>(text, textLength));

    public override int FindFirstCharacterToEncodeUtf8(ReadOnlySpan<byte> utf8Text)
    {
        var offset = 0;
        while (true)
        {
            var next = utf8Text[offset..].IndexOfAny(SpecialBytes);
            if (next < 0)
            {
                return -1;
            }

            offset += next;
            if (utf8Text[offset] < 0x80)
            {
                return offset;
            }

            if (Rune.DecodeFromUtf8(utf8Text[offset..], out var rune, out var length) != OperationStatus.Done
                || rune.Value is 0x2028 or 0x2029)
            {
                return offset;
            }

            offset += length;
        }
    }

    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        Span<char> escape = stackalloc char[MaxEscapeLength];
        var length = WillEncode(unicodeScalar) ? Escape(unicodeScalar, escape) : WriteRaw(unicodeScalar, escape);
        if (length > bufferLength)
        {
            numberOfCharactersWritten = 0;
            return false;
        }

        escape[..length].CopyTo(new Span<char>(buffer, bufferLength));
        numberOfCharactersWritten = length;
        return true;
    }

    public override OperationStatus EncodeUtf8(ReadOnlySpan<byte> utf8Source, Span<byte> utf8Destination, out int bytesConsumed,
        out int bytesWritten, bool isFinalBlock = true)
    {
        bytesConsumed = 0;
        bytesWritten = 0;
        Span<char> escape = stackalloc char[MaxEscapeLength];
        while (bytesConsumed < utf8Source.Length)
        {
            var rest = utf8Source[bytesConsumed..];
            var plain = FindFirstCharacterToEncodeUtf8(rest);
            if (plain != 0)
            {
                var run = plain < 0 ? rest.Length : plain;
                if (!rest[..run].TryCopyTo(utf8Destination[bytesWritten..]))
                {
                    return OperationStatus.DestinationTooSmall;
                }

                bytesConsumed += run;
                bytesWritten += run;
                continue;
            }

            int scalar, consumed;
            if (rest[0] < 0x80)
            {
                (scalar, consumed) = (rest[0], 1);
            }
            else
            {
                var status = Rune.DecodeFromUtf8(rest, out var rune, out consumed);
                if (status == OperationStatus.NeedMoreData && !isFinalBlock)
                {
                    return OperationStatus.NeedMoreData;
                }

                // Go replaces invalid UTF-8 one byte at a time.
                (scalar, consumed) = status == OperationStatus.Done ? (rune.Value, consumed) : (0xFFFD, 1);
            }

            var length = Escape(scalar, escape);
            if (utf8Destination.Length - bytesWritten < length)
            {
                return OperationStatus.DestinationTooSmall;
            }

            for (var i = 0; i < length; i++)
            {
                utf8Destination[bytesWritten + i] = (byte)escape[i];
            }

            bytesConsumed += consumed;
            bytesWritten += length;
        }

        return OperationStatus.Done;
    }

    public override OperationStatus Encode(ReadOnlySpan<char> source, Span<char> destination, out int charsConsumed,
        out int charsWritten, bool isFinalBlock = true)
    {
        charsConsumed = 0;
        charsWritten = 0;
        Span<char> escape = stackalloc char[MaxEscapeLength];
        while (charsConsumed < source.Length)
        {
            var rest = source[charsConsumed..];
            var plain = FindFirstToEscape(rest);
            if (plain != 0)
            {
                var run = plain < 0 ? rest.Length : plain;
                if (!rest[..run].TryCopyTo(destination[charsWritten..]))
                {
                    return OperationStatus.DestinationTooSmall;
                }

                charsConsumed += run;
                charsWritten += run;
                continue;
            }

            var status = Rune.DecodeFromUtf16(rest, out var rune, out var consumed);
            if (status == OperationStatus.NeedMoreData && !isFinalBlock)
            {
                return OperationStatus.NeedMoreData;
            }

            var scalar = status == OperationStatus.Done ? rune.Value : 0xFFFD;
            var length = Escape(scalar, escape);
            if (!escape[..length].TryCopyTo(destination[charsWritten..]))
            {
                return OperationStatus.DestinationTooSmall;
            }

            charsConsumed += status == OperationStatus.Done ? consumed : 1;
            charsWritten += length;
        }

        return OperationStatus.Done;
    }

    private static int FindFirstToEscape(ReadOnlySpan<char> text)
    {
        var offset = 0;
        while (true)
        {
            var next = text[offset..].IndexOfAny(SpecialChars);
            if (next < 0)
            {
                return -1;
            }

            offset += next;
            var c = text[offset];
            if (!char.IsHighSurrogate(c) || offset + 1 >= text.Length || !char.IsLowSurrogate(text[offset + 1]))
            {
                return offset; // an escaped character or an unpaired surrogate
            }

            offset += 2; // a valid pair is written raw
        }
    }

    /// <summary>Go's escape of one scalar: the short forms, else <c>\u</c> and four lower-case hex digits.</summary>
    private static int Escape(int scalar, Span<char> escape)
    {
        escape[0] = '\\';
        switch (scalar)
        {
            case '"' or '\\':
                escape[1] = (char)scalar;
                return 2;
            case '\n':
                escape[1] = 'n';
                return 2;
            case '\r':
                escape[1] = 'r';
                return 2;
            case '\t':
                escape[1] = 't';
                return 2;
            default:
                escape[1] = 'u';
                for (var i = 0; i < 4; i++)
                {
                    escape[5 - i] = "0123456789abcdef"[(scalar >> (4 * i)) & 0xF];
                }

                return 6;
        }
    }

    private static int WriteRaw(int scalar, Span<char> buffer) => new Rune(scalar).EncodeToUtf16(buffer);
}
