namespace Cnm.Daemon.Hosting;

/// <summary>
/// Gives a burst's garbage back to the OS once the API has gone quiet (spec/performance.md, "RSS after a burst"): the
/// GC keeps the regions a burst of requests filled committed and resident until its next collection, and an idle
/// daemon makes none, so creating 1,000 networks left ~50 MB resident of which ~6 MB was live. After a period of
/// <see cref="QuietPeriod"/> with requests, followed by one without, one blocking, compacting, aggressive collection
/// (which decommits the freed regions, as <see cref="StartupMemory"/> does after start-up) runs on the timer's pool
/// thread. A busy daemon never collects this way, and an idle one only once per burst: the timer runs only from a
/// burst's first request to its release.
/// </summary>
internal sealed partial class IdleMemory : IDisposable
{
    /// <summary>How long the API must be quiet after some requests before the collection runs.</summary>
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(5);

    private readonly ITimer _timer;
    private readonly ILogger _logger;
    private long _requests;
    private long _seen = -1;
    private volatile bool _armed;

    public IdleMemory(TimeProvider time, ILogger logger)
    {
        _logger = logger;
        // Made disarmed: a daemon that serves no request runs no timer (and starts no timer thread for it).
        _timer = time.CreateTimer(static s => ((IdleMemory)s!).Tick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// Counts an API request and arms the timer for the burst it starts. On the hot path, so a plain increment: a lost
    /// count between threads does not matter, only whether the count moved in a period (the timer reads it with a
    /// barrier). A request that races the disarm after a release is counted in the next burst.
    /// </summary>
    public void OnRequest()
    {
        _requests++;
        if (!_armed)
        {
            _armed = true;
            _timer.Change(QuietPeriod, QuietPeriod);
        }
    }

    private void Tick()
    {
        var requests = Volatile.Read(ref _requests);
        if (requests != _seen)
        {
            _seen = requests;
            return;
        }

        _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _armed = false;
        var logged = _logger.IsEnabled(LogLevel.Debug);
        var before = logged ? Environment.WorkingSet : 0;
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (logged)
        {
            var after = Environment.WorkingSet;
            var live = GC.GetTotalMemory(forceFullCollection: false);
            Log.Released(_logger, before / 1048576.0, after / 1048576.0, live / 1048576.0);
        }
    }

    public void Dispose() => _timer.Dispose();

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.IdleMemoryReleased, Level = LogLevel.Debug,
            Message = "the API went quiet after a burst: memory given back to the OS, resident {Before:0.0} MB -> {After:0.0} MB ({Live:0.0} MB live)")]
        public static partial void Released(ILogger logger, double before, double after, double live);
    }
}
