namespace Cnm.Plugins.Watching;

/// <summary>Backoff of one plugin whose activation failed; a new file (another fingerprint) starts over.</summary>
/// <param name="Fingerprint">The file that failed.</param>
/// <param name="Failures">Consecutive failures.</param>
/// <param name="NextAttempt">When to try again.</param>
internal sealed record RetryState(string Fingerprint, int Failures, DateTimeOffset NextAttempt)
{
    /// <summary>The delay after <paramref name="failures"/> consecutive failures: initial × 2^(failures-1), capped.</summary>
    public static TimeSpan Delay(int failures, TimeSpan initial, TimeSpan max)
    {
        var delay = initial;
        for (var i = 1; i < failures && delay < max; i++)
        {
            delay *= 2;
        }

        return delay < max ? delay : max;
    }
}
