namespace Cnm.Daemon.NativeApi;

/// <summary>
/// What cnmd has stored (<c>GET /cnm/v1/system/df</c>): the state file, its size on disk (with its write-ahead log),
/// the store revision and key count, and the stored networks, endpoints, sandboxes and the IPAM pools the networks hold; the intents of operations in flight
/// and the driver calls still owed to drivers that could not be reached (spec/store.md, "Intents and pending calls").
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
    int PendingCalls);
