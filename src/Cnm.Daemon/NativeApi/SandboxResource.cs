namespace Cnm.Daemon.NativeApi;

/// <summary>
/// A sandbox in native API answers. The ports are given back in the shapes drivers receive them
/// (<c>{"Proto":6,"Port":80}</c> and <c>{"Proto":6,"IP":"","Port":80,"HostIP":"","HostPort":8080,"HostPortEnd":8080}</c>);
/// <c>HostNetwork</c> is true for a sandbox in the host namespace, else left out.
/// </summary>
internal sealed record SandboxResource(string Id, string Name, string ContainerId, string Key, List<string> Endpoints,
    List<Core.Model.TransportPort>? ExposedPorts = null, List<Core.Model.PortBinding>? PortBindings = null, bool? HostNetwork = null);
