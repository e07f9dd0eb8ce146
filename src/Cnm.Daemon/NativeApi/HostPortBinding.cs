namespace Cnm.Daemon.NativeApi;

/// <summary>One host binding of a port, Docker's <c>nat.PortBinding</c>: an address (empty for all) and a port or range (empty: the driver chooses).</summary>
internal sealed record HostPortBinding(string? HostIp, string? HostPort);
