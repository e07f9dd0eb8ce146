using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Cnm.Protocol.Json;

/// <summary>
/// Numbers in free-form values as the reference writes them: it decodes such a value into <c>interface{}</c>,
/// so a number becomes a <c>float64</c>, and Go's encoder writes that with the shortest digits that read back to
/// it, in plain notation from 1e-6 up to 1e21 and as <c>1e+21</c> or <c>1e-7</c> outside (<c>1.50</c> goes out as
/// <c>1.5</c>, <c>1e2</c> as <c>100</c>, <c>9007199254740993</c> as <c>9007199254740992</c>).
/// </summary>
internal static class GoNumbers
{
    // Integers of up to 15 digits are exact float64 values below 1e21, which Go writes unchanged.
    private const int ExactDigits = 15;

    public static void Write(Utf8JsonWriter writer, JsonElement number)
    {
        var raw = JsonMarshal.GetRawUtf8Value(number);
        if (IsShortInteger(raw))
        {
            writer.WriteRawValue(raw, skipInputValidation: true);
            return;
        }

        if (!number.TryGetDouble(out var value) || !double.IsFinite(value))
        {
            number.WriteTo(writer); // too big for a float64: Go would have refused it; keep what was given
            return;
        }

        writer.WriteRawValue(Format(value), skipInputValidation: true);
    }

    /// <summary>Go's <c>encoding/json</c> text of a finite float64.</summary>
    public static string Format(double value)
    {
        if (value == 0)
        {
            return double.IsNegative(value) ? "-0" : "0";
        }

        // "R" gives the shortest digits that round-trip, e.g. 1.2345678901234568E+22, 1E-07 or 123.456.
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = text[0] == '-';
        var unsigned = negative ? text.AsSpan(1) : text.AsSpan();
        var e = unsigned.IndexOf('E');
        var mantissa = e < 0 ? unsigned : unsigned[..e];
        var exponent = e < 0 ? 0 : int.Parse(unsigned[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var dot = mantissa.IndexOf('.');
        var digits = dot < 0 ? mantissa.ToString() : string.Concat(mantissa[..dot], mantissa[(dot + 1)..]);
        var point = (dot < 0 ? mantissa.Length : dot) + exponent; // value = 0.digits × 10^point
        var leading = 0;
        while (digits[leading] == '0')
        {
            leading++;
        }

        digits = digits[leading..].TrimEnd('0');
        point -= leading;

        var result = new StringBuilder(digits.Length + 8);
        if (negative)
        {
            result.Append('-');
        }

        var magnitude = Math.Abs(value);
        if (magnitude is < 1e-6 or >= 1e21)
        {
            result.Append(digits[0]);
            if (digits.Length > 1)
            {
                result.Append('.').Append(digits, 1, digits.Length - 1);
            }

            var power = point - 1;
            return result.Append('e').Append(power < 0 ? '-' : '+')
                .Append(Math.Abs(power).ToString(CultureInfo.InvariantCulture)).ToString();
        }

        if (point <= 0)
        {
            return result.Append("0.").Append('0', -point).Append(digits).ToString();
        }

        if (point >= digits.Length)
        {
            return result.Append(digits).Append('0', point - digits.Length).ToString();
        }

        return result.Append(digits, 0, point).Append('.').Append(digits, point, digits.Length - point).ToString();
    }

    private static bool IsShortInteger(ReadOnlySpan<byte> raw)
    {
        var digits = raw.Length > 0 && raw[0] == (byte)'-' ? raw[1..] : raw;
        return digits.Length is > 0 and <= ExactDigits && !digits.ContainsAnyExceptInRange((byte)'0', (byte)'9');
    }
}
