namespace Cnm.Benchmarks;

/// <summary>Time spent in the server's handler: in total and per method (count and Stopwatch ticks).</summary>
internal sealed class TimingSet
{
    private readonly Dictionary<string, MethodTiming> _methods =
        LifecycleHarness.LifecycleMethods.ToDictionary(m => m, _ => new MethodTiming(), StringComparer.Ordinal);

    private readonly MethodTiming _total = new();
    private readonly MethodTiming _other = new();

    public long Count => _total.Count;

    public long Ticks => _total.Ticks;

    public MethodTiming Method(string serviceMethod) => _methods.GetValueOrDefault(serviceMethod) ?? _other;

    public void Add(string serviceMethod, long ticks)
    {
        Method(serviceMethod).Add(ticks);
        _total.Add(ticks);
    }

    internal sealed class MethodTiming
    {
        private long _count;
        private long _ticks;

        public long Count => Interlocked.Read(ref _count);

        public long Ticks => Interlocked.Read(ref _ticks);

        public void Add(long ticks)
        {
            Interlocked.Add(ref _ticks, ticks);
            Interlocked.Increment(ref _count);
        }
    }
}
