namespace Cnm.Protocol.Network;

/// <summary>
/// The generic-option keys whose values the reference host builds from Go structs rather than maps. Every
/// options object is a Go map, so its keys go out sorted, and so do the keys of any object nested in a value
/// (a free-form value is a <c>map[string]interface{}</c> in Go). The values under these keys are lists of
/// structs (<c>types.TransportPort</c>, <c>types.PortBinding</c>), whose fields Go writes in declaration
/// order, so Cnm writes them in the order the caller built them: <c>{"Proto","Port"}</c> and
/// <c>{"Proto","IP","Port","HostIP","HostPort","HostPortEnd"}</c> (spec/plugin-protocol.md, section 2).
/// </summary>
public static class StructValuedOptions
{
    /// <summary>Exposed ports: a list of <c>{"Proto": int, "Port": int}</c>.</summary>
    public const string ExposedPorts = "com.docker.network.endpoint.exposedports";

    /// <summary>Published ports: a list of <c>{"Proto","IP","Port","HostIP","HostPort","HostPortEnd"}</c>.</summary>
    public const string PortMap = "com.docker.network.portmap";

    /// <summary>True when the value under <paramref name="key"/> is written in the order it was built.</summary>
    public static bool Contains(string key) =>
        string.Equals(key, ExposedPorts, StringComparison.Ordinal) || string.Equals(key, PortMap, StringComparison.Ordinal);
}
