using System.Globalization;
using System.Text.RegularExpressions;
using Cnm.Core.Errors;

namespace Cnm.Daemon.DockerApi;

/// <summary>
/// The <c>until</c> filter of <c>POST /networks/prune</c>, read as Docker reads it: a Go duration before now
/// (<c>10m</c>, <c>1h30m</c>), a Unix timestamp (<c>1700000000</c>, <c>1700000000.5</c>) or an RFC 3339 date
/// (<c>2026-11-28T10:00:00Z</c>, also <c>2026-11-28</c> and <c>2026-11-28T10:00:00</c> in local time).
/// </summary>
internal static partial class UntilFilter
{
    private static readonly string[] LocalFormats =
        ["yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF"];

    /// <summary>The instant of <paramref name="value"/>; throws an InvalidParameter error naming it.</summary>
    public static DateTimeOffset Parse(string value, DateTimeOffset now)
    {
        if (GoDuration().IsMatch(value))
        {
            // A duration too long for .NET (over about 29,000 years), or one that reaches before year 1 or after
            // year 9999, is out of range: a 400, not an overflow.
            if (!TryParseDuration(value, out var duration) || (now - DateTimeOffset.MinValue) < duration || (DateTimeOffset.MaxValue - now) < -duration)
            {
                throw OutOfRange(value, "the duration reaches beyond the years 0001 to 9999");
            }

            return now - duration;
        }

        if (UnixTimestamp().IsMatch(value))
        {
            if (!decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) || seconds > MaxUnixSeconds)
            {
                throw OutOfRange(value, "the time is after the year 9999");
            }

            return DateTimeOffset.UnixEpoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond));
        }

        if (value.Contains('T', StringComparison.Ordinal) && HasOffset().IsMatch(value)
            && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
        {
            return instant;
        }

        if (DateTime.TryParseExact(value, LocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var local))
        {
            try
            {
                return new DateTimeOffset(local);
            }
            catch (ArgumentOutOfRangeException)
            {
                throw OutOfRange(value, "the time is outside the years 0001 to 9999 in UTC");
            }
        }

        throw CnmException.InvalidParameter(
            $"invalid filter 'until={value}': expected a Unix timestamp, an RFC 3339 date or a duration such as 10m or 1h30m");
    }

    private static readonly decimal MaxUnixSeconds = (DateTimeOffset.MaxValue - DateTimeOffset.UnixEpoch).Ticks / (decimal)TimeSpan.TicksPerSecond;

    private static CnmException OutOfRange(string value, string reason) =>
        CnmException.InvalidParameter($"invalid filter 'until={value}': {reason}");

    /// <summary>Go's time.ParseDuration: an optional sign, then one or more decimal numbers each with a unit.</summary>
    private static bool TryParseDuration(string value, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var match = GoDuration().Match(value);
        if (!match.Success)
        {
            return false;
        }

        decimal ticks = 0;
        try
        {
            foreach (Capture part in match.Groups["part"].Captures)
            {
                var unitStart = part.Value.IndexOfAny(['n', 'u', 'µ', 'm', 's', 'h']);
                var number = decimal.Parse(part.Value[..unitStart], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
                ticks += number * part.Value[unitStart..] switch
                {
                    "ns" => 0.01m,
                    "us" or "µs" => TimeSpan.TicksPerMicrosecond,
                    "ms" => TimeSpan.TicksPerMillisecond,
                    "s" => TimeSpan.TicksPerSecond,
                    "m" => TimeSpan.TicksPerMinute,
                    _ => TimeSpan.TicksPerHour,
                };
            }
        }
        catch (OverflowException)
        {
            return false; // more than decimal holds: far beyond TimeSpan too
        }

        if (ticks > TimeSpan.MaxValue.Ticks)
        {
            return false;
        }

        duration = TimeSpan.FromTicks((long)ticks);
        if (match.Groups["sign"].Value == "-")
        {
            duration = -duration;
        }

        return true;
    }

    [GeneratedRegex(@"^(?<sign>[+-]?)(?<part>(\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))+$", RegexOptions.CultureInvariant)]
    private static partial Regex GoDuration();

    [GeneratedRegex(@"^\d+(\.\d+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex UnixTimestamp();

    [GeneratedRegex(@"(Z|[+-]\d\d:\d\d)$", RegexOptions.CultureInvariant)]
    private static partial Regex HasOffset();
}
