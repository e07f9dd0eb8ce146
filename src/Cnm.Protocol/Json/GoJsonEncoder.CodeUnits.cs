using System.Buffers;
using System.Text;

namespace Cnm.Protocol.Json;

/// <summary>What the encoding loop needs to know of UTF-8 bytes and of UTF-16 chars.</summary>
internal sealed partial class GoJsonEncoder
{
    private interface ICodeUnits<T>
    {
        /// <summary>The index of the first unit to escape, or -1.</summary>
        static abstract int FindFirstToEscape(ReadOnlySpan<T> text);

        /// <summary>The scalar at the start of <paramref name="text"/> and how many units it takes.</summary>
        static abstract OperationStatus Decode(ReadOnlySpan<T> text, out int scalar, out int units);

        /// <summary>Writes an escape (ASCII only); false when <paramref name="destination"/> is too small.</summary>
        static abstract bool TryWrite(ReadOnlySpan<char> escape, Span<T> destination);
    }

    private readonly struct Utf8Units : ICodeUnits<byte>
    {
        public static int FindFirstToEscape(ReadOnlySpan<byte> text) => Instance.FindFirstCharacterToEncodeUtf8(text);

        public static OperationStatus Decode(ReadOnlySpan<byte> text, out int scalar, out int units)
        {
            if (text[0] < 0x80)
            {
                (scalar, units) = (text[0], 1);
                return OperationStatus.Done;
            }

            var status = Rune.DecodeFromUtf8(text, out var rune, out units);
            scalar = rune.Value;
            return status;
        }

        public static bool TryWrite(ReadOnlySpan<char> escape, Span<byte> destination)
        {
            if (destination.Length < escape.Length)
            {
                return false;
            }

            for (var i = 0; i < escape.Length; i++)
            {
                destination[i] = (byte)escape[i];
            }

            return true;
        }
    }

    private readonly struct Utf16Units : ICodeUnits<char>
    {
        public static int FindFirstToEscape(ReadOnlySpan<char> text) => GoJsonEncoder.FindFirstToEscape(text);

        public static OperationStatus Decode(ReadOnlySpan<char> text, out int scalar, out int units)
        {
            var status = Rune.DecodeFromUtf16(text, out var rune, out units);
            scalar = rune.Value;
            return status;
        }

        public static bool TryWrite(ReadOnlySpan<char> escape, Span<char> destination) => escape.TryCopyTo(destination);
    }
}
