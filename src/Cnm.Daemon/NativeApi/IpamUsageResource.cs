namespace Cnm.Daemon.NativeApi;

/// <summary>
/// Usage of a pool id: addresses it can hand out (<see cref="Total"/>), those taken (<see cref="Used"/>, any
/// holder of the master pool), those left, and how many holders keep the pool id alive.
/// </summary>
internal sealed record IpamUsageResource(ulong Total, ulong Used, ulong Free, int References);
