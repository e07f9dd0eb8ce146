using Cnm.Core.Persistence;

namespace Cnm.Core.Control;

/// <summary>Sends one <see cref="PendingCall"/> to its driver and says what came of it; never throws but for cancellation.</summary>
internal interface IPendingCallSender
{
    Task<(CallOutcome Outcome, Exception? Error)> SendAsync(PendingCall call, CancellationToken cancellationToken);
}
