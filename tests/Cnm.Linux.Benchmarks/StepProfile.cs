using System.Diagnostics;
using System.Globalization;

/// <summary>
/// The provider's step hook (<c>LinuxSandboxOptions.AfterStep</c>) as a profiler: the time from the previous step (or
/// the start of the cycle) to each step, so that the setup's cost is split into its kernel steps.
/// </summary>
internal sealed class StepProfile
{
    private readonly Dictionary<string, List<double>> _steps = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly Stopwatch _clock = new();
    private double _last;
    private bool _record;

    public void Start(bool record)
    {
        _record = record;
        _clock.Restart();
        _last = 0;
    }

    public void Step(string step)
    {
        var now = _clock.Elapsed.TotalMilliseconds;
        if (_record)
        {
            if (!_steps.TryGetValue(step, out var list))
            {
                _steps[step] = list = [];
                _order.Add(step);
            }

            list.Add(now - _last);
        }

        _last = now;
    }

    public void Report()
    {
        foreach (var step in _order)
        {
            var sorted = _steps[step].Order().ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  step {step,-22} median={sorted[sorted.Count / 2]:F2} ms p95={sorted[(int)Math.Ceiling(0.95 * sorted.Count) - 1]:F2} ms"));
        }
    }
}
