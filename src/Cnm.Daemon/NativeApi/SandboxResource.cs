namespace Cnm.Daemon.NativeApi;

/// <summary>A sandbox in native API answers; <c>HostNetwork</c> is true for a sandbox in the host namespace, else left out.</summary>
internal sealed record SandboxResource(string Id, string Name, string ContainerId, string Key, List<string> Endpoints, bool? HostNetwork = null);
