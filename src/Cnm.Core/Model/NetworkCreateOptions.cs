using System.Collections.ObjectModel;

namespace Cnm.Core.Model;

/// <summary>What a network is created with.</summary>
public sealed record NetworkCreateOptions
{
    /// <summary>Unique network name.</summary>
    public required string Name { get; init; }

    /// <summary>Network driver name.</summary>
    public required string Driver { get; init; }

    /// <summary>IPAM driver name; <c>default</c> unless set.</summary>
    public string IpamDriver { get; init; } = "default";

    /// <summary>IPv4 pools; none means one pool chosen by the IPAM.</summary>
    public IReadOnlyList<IpamConfig> IPv4 { get; init; } = [];

    /// <summary>IPv6 pools; used only with <see cref="EnableIPv6"/>.</summary>
    public IReadOnlyList<IpamConfig> IPv6 { get; init; } = [];

    /// <summary>Options passed to the IPAM driver's RequestPool.</summary>
    public IReadOnlyDictionary<string, string> IpamOptions { get; init; } = ReadOnlyDictionary<string, string>.Empty;

    /// <summary>Give endpoints IPv6 addresses too.</summary>
    public bool EnableIPv6 { get; init; }

    /// <summary>No external connectivity.</summary>
    public bool Internal { get; init; }

    /// <summary>Sandboxes may be attached by hand (kept for the Docker API).</summary>
    public bool Attachable { get; init; }

    /// <summary>User labels; not sent to the driver.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = ReadOnlyDictionary<string, string>.Empty;

    /// <summary>Driver options, sent under <c>com.docker.network.generic</c>.</summary>
    public IReadOnlyDictionary<string, string> DriverOptions { get; init; } = ReadOnlyDictionary<string, string>.Empty;
}
