using System.Text.RegularExpressions;

namespace Cnm.Daemon.DockerApi;

/// <summary>
/// dockerd's <c>filters.Args.Match</c>, which its network list uses for <c>name</c> and <c>id</c>: a value matches when
/// it equals the field, or when it is a regular expression found anywhere in it (unanchored), so
/// <c>docker network ls --filter name=^web$</c> selects exactly <c>web</c>. A value that is no valid expression matches
/// by equality only, as dockerd skips it (spec/daemon-api.md, "Filters").
/// </summary>
internal static class FilterMatch
{
    // A pathological expression gives up instead of holding a request thread; Go's RE2 has no such case.
    private static readonly TimeSpan Limit = TimeSpan.FromMilliseconds(200);

    /// <summary>True when <paramref name="value"/> equals <paramref name="field"/> or, as a regular expression, occurs in it.</summary>
    public static bool Matches(string value, string field)
    {
        if (string.Equals(value, field, StringComparison.Ordinal))
        {
            return true;
        }

        try
        {
            return Regex.IsMatch(field, value, RegexOptions.CultureInvariant, Limit);
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}
