namespace Cnm.Core.Control;

/// <summary>
/// One driver call the controller still owes a driver that could not be reached (a pending call,
/// spec/store.md, "Intents and pending calls"), with how its delivery goes.
/// </summary>
/// <param name="Sequence">The call's number: calls to one driver are delivered in this order.</param>
/// <param name="Driver">The network or IPAM driver (the plugin) the call is owed to.</param>
/// <param name="Method">The protocol method, for example <c>DeleteNetwork</c>.</param>
/// <param name="Call">The call as a person reads it: method, object and driver.</param>
/// <param name="Reason">Why it is owed.</param>
/// <param name="Attempts">How many times it was sent so far without reaching the driver (0 for a call found at start-up).</param>
/// <param name="NextAttempt">When it is sent again; right away once the driver is registered again.</param>
public sealed record OwedCall(long Sequence, string Driver, string Method, string Call, string? Reason, int Attempts,
    DateTimeOffset NextAttempt);
