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
internal sealed partial class GoJsonEncoder : JavaScriptEncoder
{
    private const int MaxEscapeLength = 6;

    // Bytes that are escaped, or that start a sequence that may need it (any non-ASCII byte is checked).
    private static readonly SearchValues<byte> SpecialBytes = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(b => (byte)b), (byte)'"', (byte)'\\', (byte)'<', (byte)'>', (byte)'&',
         .. Enumerable.Range(0x80, 0x80).Select(b => (byte)b)]);

    private static readonly SearchValues<char> SpecialChars = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(c => (char)c), '"', '\\', '<', '>', '&', '\u2028', '\u2029',
         .. Enumerable.Range(0xD800, 0x800).Select(c => (char)c)]);

    /// <summary>
    /// The ASCII that is written as it is: the complement of <see cref="SpecialChars"/> within ASCII. All ASCII, so a scan
    /// for anything else is vectorised, where <see cref="SpecialChars"/> (which holds non-ASCII) is searched a character at
    /// a time; plugin bodies are almost all plain ASCII.
    /// </summary>
    private static readonly SearchValues<char> PlainAscii = SearchValues.Create(
        [.. Enumerable.Range(0x20, 0x60).Select(c => (char)c).Where(c => c is not ('"' or '\\' or '<' or '>' or '&'))]);

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
        out int bytesWritten, bool isFinalBlock = true) =>
        EncodeCore<byte, Utf8Units>(utf8Source, utf8Destination, out bytesConsumed, out bytesWritten, isFinalBlock);

    public override OperationStatus Encode(ReadOnlySpan<char> source, Span<char> destination, out int charsConsumed,
        out int charsWritten, bool isFinalBlock = true) =>
        EncodeCore<char, Utf16Units>(source, destination, out charsConsumed, out charsWritten, isFinalBlock);

    /// <summary>
    /// The one encoding loop for UTF-8 and UTF-16: runs that need no escape are copied as they are; each scalar that
    /// does is escaped, and invalid input (one unit at a time, as Go does) becomes <c>\ufffd</c>.
    /// </summary>
    private static OperationStatus EncodeCore<T, TUnits>(ReadOnlySpan<T> source, Span<T> destination, out int consumed,
        out int written, bool isFinalBlock)
        where TUnits : ICodeUnits<T>
    {
        consumed = 0;
        written = 0;
        Span<char> escape = stackalloc char[MaxEscapeLength];
        while (consumed < source.Length)
        {
            var rest = source[consumed..];
            var plain = TUnits.FindFirstToEscape(rest);
            if (plain != 0)
            {
                var run = plain < 0 ? rest.Length : plain;
                if (!rest[..run].TryCopyTo(destination[written..]))
                {
                    return OperationStatus.DestinationTooSmall;
                }

                consumed += run;
                written += run;
                continue;
            }

            var status = TUnits.Decode(rest, out var scalar, out var units);
            if (status == OperationStatus.NeedMoreData && !isFinalBlock)
            {
                return OperationStatus.NeedMoreData;
            }

            if (status != OperationStatus.Done)
            {
                (scalar, units) = (0xFFFD, 1);
            }

            var length = Escape(scalar, escape);
            if (!TUnits.TryWrite(escape[..length], destination[written..]))
            {
                return OperationStatus.DestinationTooSmall;
            }

            consumed += units;
            written += length;
        }

        return OperationStatus.Done;
    }

    private static int FindFirstToEscape(ReadOnlySpan<char> text)
    {
        var offset = 0;
        while (true)
        {
            var next = text[offset..].IndexOfAnyExcept(PlainAscii);
            if (next < 0)
            {
                return -1;
            }

            offset += next;
            var c = text[offset];
            if (c >= 0x80 && !SpecialChars.Contains(c))
            {
                offset++; // other non-ASCII is written raw, as Go does
                continue;
            }

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
