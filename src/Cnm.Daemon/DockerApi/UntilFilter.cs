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
        if (TryParseDuration(value, out var duration))
        {
            return now - duration;
        }

        if (UnixTimestamp().IsMatch(value))
        {
            var seconds = decimal.Parse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            return DateTimeOffset.UnixEpoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond));
        }

        if (value.Contains('T', StringComparison.Ordinal) && HasOffset().IsMatch(value)
            && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
        {
            return instant;
        }

        if (DateTime.TryParseExact(value, LocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var local))
        {
            return new DateTimeOffset(local);
        }

        throw CnmException.InvalidParameter(
            $"invalid filter 'until={value}': expected a Unix timestamp, an RFC 3339 date or a duration such as 10m or 1h30m");
    }

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
