namespace Cnm.Daemon.NativeApi;

/// <summary>
/// What cnmd has stored (<c>GET /cnm/v1/system/df</c>): the state file, its size on disk (with its write-ahead log),
/// the store revision and key count, and the stored networks, endpoints, sandboxes and the IPAM pools the networks hold; the intents of operations in flight
/// and the driver calls still owed to drivers that could not be reached (spec/store.md, "Intents and pending calls"), each with
/// its attempts and next attempt in <see cref="OwedCalls"/>.
/// </summary>
internal sealed record SystemDfResource(
    string StateFile,
    long Size,
    long WalSize,
    long Revision,
    int Keys,
    int Networks,
    int Endpoints,
    int Sandboxes,
    int IpamPools,
    int Intents,
    int PendingCalls,
    IReadOnlyList<OwedCallResource> OwedCalls);

/// <summary>One driver call owed to a driver that could not be reached, and how its delivery goes.</summary>
internal sealed record OwedCallResource(string Driver, string Method, string Call, string? Reason, int Attempts, DateTimeOffset NextAttempt);
