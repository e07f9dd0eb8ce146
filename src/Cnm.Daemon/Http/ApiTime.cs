using System.Globalization;

namespace Cnm.Daemon.Http;

/// <summary>Times in API answers, written as Docker writes them.</summary>
internal static class ApiTime
{
    /// <summary>Go's RFC3339Nano: UTC, fractional seconds without trailing zeros.</summary>
    public static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
}
