namespace Cnm.Core.Ipam.Default;

/// <summary>
/// A block of predefined pools: <paramref name="Base"/> split into consecutive subnets of prefix length
/// <paramref name="Size"/>, like an entry of Docker's <c>default-address-pools</c>.
/// </summary>
/// <param name="Base">A CIDR such as <c>172.20.0.0/14</c>; host bits are ignored, as in the reference.</param>
/// <param name="Size">Prefix length of each pool, at least the base's prefix length.</param>
public sealed record DefaultAddressPool(string Base, int Size);
