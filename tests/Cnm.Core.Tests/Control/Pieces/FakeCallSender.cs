using System.Collections.Concurrent;
using Cnm.Core.Control;
using Cnm.Core.Persistence;

namespace Cnm.Core.Tests.Control.Pieces;

/// <summary>A hand-written sender of pending calls: records each call and answers as <see cref="Answer"/> says (done by default).</summary>
internal sealed class FakeCallSender : IPendingCallSender
{
    private readonly ConcurrentQueue<PendingCall> _sent = new();

    public Func<PendingCall, Task<(CallOutcome, Exception?)>> Answer { get; set; } = _ => Task.FromResult<(CallOutcome, Exception?)>((CallOutcome.Done, null));

    public IReadOnlyList<PendingCall> Sent => [.. _sent];

    public async Task<(CallOutcome Outcome, Exception? Error)> SendAsync(PendingCall call, CancellationToken cancellationToken)
    {
        _sent.Enqueue(call);
        return await Answer(call);
    }

    public static Task<(CallOutcome, Exception?)> Unreachable() =>
        Task.FromResult<(CallOutcome, Exception?)>((CallOutcome.Unreachable, Cnm.Core.Errors.CnmException.Unavailable("plugin \"p\" is down")));

    public static Task<(CallOutcome, Exception?)> Refused() =>
        Task.FromResult<(CallOutcome, Exception?)>((CallOutcome.Refused, Cnm.Core.Errors.CnmException.Forbidden("no")));
}
