using System.Collections.Concurrent;

namespace Cnm.Core.Tests.Control;

/// <summary>Calls seen by the fakes, in order, and the failures to inject.</summary>
internal sealed class CallLog
{
    private readonly ConcurrentQueue<string> _calls = new();
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);
    private int _failAtCall = -1;
    private int _count;

    public IReadOnlyList<string> Calls => [.. _calls];

    /// <summary>The call names alone (first word), in order.</summary>
    public IReadOnlyList<string> Names => [.. _calls.Select(c => c.Split(' ')[0])];

    public void Clear() => _calls.Clear();

    /// <summary>Makes the call with this number (0 = the next call recorded from now) throw.</summary>
    public void FailAtCall(int number)
    {
        _count = 0;
        _failAtCall = number;
    }

    /// <summary>Makes the next <paramref name="times"/> calls of <paramref name="method"/> throw.</summary>
    public void FailNext(string method, int times = 1) => _failures[method] = times;

    public void Record(string method, string detail = "")
    {
        _calls.Enqueue(detail.Length == 0 ? method : $"{method} {detail}");
        if (Interlocked.Increment(ref _count) - 1 == _failAtCall)
        {
            _failAtCall = -1;
            throw new Cnm.Core.Errors.CnmException(Cnm.Protocol.ErrorCategory.Internal, $"injected failure in {method} {detail}");
        }

        if (_failures.TryGetValue(method, out var left) && left > 0)
        {
            _failures[method] = left - 1;
            throw new Cnm.Core.Errors.CnmException(Cnm.Protocol.ErrorCategory.Internal, $"injected failure in {method}");
        }
    }
}
