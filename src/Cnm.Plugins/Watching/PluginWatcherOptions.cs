namespace Cnm.Plugins.Watching;

/// <summary>Options of <see cref="PluginWatcher"/>.</summary>
public sealed class PluginWatcherOptions
{
    /// <summary>
    /// How long to wait after a file system event before scanning, so that a burst of events (a spec file
    /// written in several steps) makes one scan. Default 15 ms. Zero scans at once.
    /// </summary>
    public TimeSpan Debounce { get; set; } = TimeSpan.FromMilliseconds(15);

    /// <summary>
    /// Full rescan period, which catches whatever the file system watcher missed (overflows, directories
    /// created later). Default 10 s.
    /// </summary>
    public TimeSpan RescanInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>First delay before a failed activation is tried again; it doubles after each failure. Default 1 s.</summary>
    public TimeSpan ActivationRetryInitial { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest delay between activation attempts of one plugin. Default 30 s.</summary>
    public TimeSpan ActivationRetryMax { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws when an option is out of range.</summary>
    public void Validate()
    {
        if (Debounce < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(Debounce), Debounce, "must not be negative");
        if (RescanInterval <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(RescanInterval), RescanInterval, "must be positive");
        if (ActivationRetryInitial <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(ActivationRetryInitial), ActivationRetryInitial, "must be positive");
        if (ActivationRetryMax < ActivationRetryInitial)
            throw new ArgumentOutOfRangeException(nameof(ActivationRetryMax), ActivationRetryMax, "must not be less than ActivationRetryInitial");
    }
}
