namespace Cnm.Daemon.NativeApi;

/// <summary>
/// What cnmd has stored (<c>GET /cnm/v1/system/df</c>): the state file, its size on disk (with its write-ahead log),
/// the store revision and key count, and the stored networks, endpoints, sandboxes and the IPAM pools the networks hold.
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
    int IpamPools);
