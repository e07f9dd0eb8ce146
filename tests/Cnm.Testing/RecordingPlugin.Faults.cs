using Cnm.Protocol;

namespace Cnm.Testing;

public sealed partial class RecordingPlugin
{
    private readonly Dictionary<string, int> _failingMethods = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (PluginReply Reply, int Remaining)> _answers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<string, string>> _rewrites = new(StringComparer.Ordinal);
    private readonly List<PluginStall> _stalls = [];
    private int _failCountdown = -1;
    private int _injected;

    /// <summary>HTTP status of injected failures: 200 carries the error in <c>Err</c>/<c>Error</c>, anything else in <c>Err</c>.</summary>
    public int FailureStatus { get; set; } = 200;

    /// <summary>How many calls were failed on purpose so far.</summary>
    public int InjectedFailures
    {
        get
        {
            lock (_lock)
            {
                return _injected;
            }
        }
    }

    /// <summary>True while a failure armed by <see cref="FailCall"/> has not happened yet.</summary>
    public bool FailurePending
    {
        get
        {
            lock (_lock)
            {
                return _failCountdown >= 0;
            }
        }
    }

    /// <summary>Fails the <paramref name="n"/>-th call from now, whatever its method: 0 fails the next call, 1 the one after.</summary>
    public void FailCall(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        lock (_lock)
        {
            _failCountdown = n;
        }
    }

    /// <summary>Fails the next <paramref name="times"/> calls of <paramref name="method"/> (every call by default).</summary>
    public void FailMethod(string method, int times = int.MaxValue)
    {
        lock (_lock)
        {
            _failingMethods[method] = times;
        }
    }

    /// <summary>Answers <paramref name="method"/> with <paramref name="reply"/> instead of handling it; nothing changes in the plugin.</summary>
    public void Answer(string method, PluginReply reply, int times = int.MaxValue)
    {
        lock (_lock)
        {
            _answers[method] = (reply, times);
        }
    }

    /// <summary>Handles <paramref name="method"/> as usual, then sends <paramref name="rewrite"/> of the reply body instead.</summary>
    public void Rewrite(string method, Func<string, string> rewrite)
    {
        lock (_lock)
        {
            _rewrites[method] = rewrite;
        }
    }

    /// <summary>Holds every call of <paramref name="method"/> for network <paramref name="networkId"/> (any network when null) until released, or for <paramref name="longest"/> at most.</summary>
    public PluginStall Stall(string method, string? networkId, TimeSpan longest)
    {
        var stall = new PluginStall(method, networkId, longest);
        lock (_lock)
        {
            _stalls.Add(stall);
        }

        return stall;
    }

    /// <summary>Removes every fault, rewrite and stall (held calls go on).</summary>
    public void ClearFaults()
    {
        lock (_lock)
        {
            _failCountdown = -1;
            _failingMethods.Clear();
            _answers.Clear();
            _rewrites.Clear();
        }

        ReleaseStalls();
    }

    private void ReleaseStalls()
    {
        PluginStall[] stalls;
        lock (_lock)
        {
            stalls = [.. _stalls];
            _stalls.Clear();
        }

        foreach (var stall in stalls)
        {
            stall.Release();
        }
    }

    private PluginStall[] StallsFor(PluginCall call)
    {
        lock (_lock)
        {
            if (_stalls.Count == 0)
            {
                return [];
            }
        }

        var networkId = call.Text("NetworkID");
        lock (_lock)
        {
            return [.. _stalls.Where(s => s.Method == call.Method && (s.NetworkId is null || s.NetworkId == networkId) && !s.IsReleased)];
        }
    }

    /// <summary>Decides, when a call arrives, whether it fails or gets a raw answer. Call under the lock.</summary>
    private PluginReply? FaultFor(PluginCall call)
    {
        if (_failCountdown == 0)
        {
            _failCountdown = -1;
            return Injected(call);
        }

        if (_failCountdown > 0)
        {
            _failCountdown--;
        }

        if (_failingMethods.TryGetValue(call.Method, out var times) && times > 0)
        {
            _failingMethods[call.Method] = times - 1;
            return Injected(call);
        }

        if (_answers.TryGetValue(call.Method, out var answer) && answer.Remaining > 0)
        {
            _answers[call.Method] = (answer.Reply, answer.Remaining - 1);
            return answer.Reply;
        }

        return null;
    }

    private PluginReply Injected(PluginCall call)
    {
        _injected++;
        // Plugin.Activate has no error member: only a non-200 status makes it fail.
        var status = call.Method == PluginMethods.Activate && FailureStatus == 200 ? 500 : FailureStatus;
        return Failure(call.Method, $"injected failure of {call.Method} (call #{call.Sequence})", status);
    }
}
