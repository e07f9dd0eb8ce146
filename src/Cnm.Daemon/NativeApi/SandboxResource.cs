namespace Cnm.Daemon.NativeApi;

/// <summary>A sandbox in native API answers.</summary>
internal sealed record SandboxResource(string Id, string Name, string ContainerId, string Key, List<string> Endpoints);
