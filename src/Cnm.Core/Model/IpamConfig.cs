namespace Cnm.Core.Model;

/// <summary>One pool of a network, as the user configures it. Strings are parsed and checked at network creation.</summary>
/// <param name="Subnet">The pool (CIDR); null asks the IPAM for any free pool.</param>
/// <param name="IpRange">A sub-range of the subnet to allocate endpoint addresses from.</param>
/// <param name="Gateway">The gateway address; null lets the IPAM choose.</param>
/// <param name="AuxAddresses">Addresses to keep out of allocation, by name.</param>
public sealed record IpamConfig(
    string? Subnet = null,
    string? IpRange = null,
    string? Gateway = null,
    IReadOnlyDictionary<string, string>? AuxAddresses = null);
