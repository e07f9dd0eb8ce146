using System.Globalization;
using Cnm.Core.Errors;

namespace Cnm.Daemon.DockerApi.Events;

/// <summary>
/// <c>since</c> and <c>until</c> of <c>GET /events</c>, read as dockerd reads them: Unix seconds with an optional
/// fraction (<c>1700000000</c>, <c>1700000000.123456789</c>), which is what the docker CLI sends after turning
/// <c>10m</c> or an RFC 3339 date into one. Anything else, or an instant beyond what nanoseconds since 1970 can hold
/// (years 1678 to 2262), is a 400 naming the parameter.
/// </summary>
internal static class EventTime
{
    private const long NanosPerSecond = 1_000_000_000;

    /// <summary>Nanoseconds since the Unix epoch; null when the parameter is absent or empty.</summary>
    public static long? Parse(string name, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        var parts = value.Split('.', 2);
        if (!long.TryParse(parts[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds)
            || (parts.Length == 2 && (parts[1].Length == 0 || !parts[1].All(char.IsAsciiDigit))))
        {
            throw CnmException.InvalidParameter(
                $"invalid value for {name}: \"{value}\": expected a Unix timestamp such as 1700000000 or 1700000000.000000001");
        }

        var fraction = parts.Length == 2 ? long.Parse(parts[1].PadRight(9, '0')[..9], CultureInfo.InvariantCulture) : 0;
        if (seconds is > long.MaxValue / NanosPerSecond - 1 or < long.MinValue / NanosPerSecond + 1)
        {
            throw CnmException.InvalidParameter($"invalid value for {name}: \"{value}\": the time is out of range (years 1678 to 2262)");
        }

        return (seconds * NanosPerSecond) + (seconds < 0 ? -fraction : fraction);
    }
}
