using System.Net;

namespace Cnm.Core.Ipam;

/// <summary>An address request.</summary>
/// <param name="PoolId">The pool to allocate from.</param>
/// <param name="Address">The address wanted, or null for any free one.</param>
/// <param name="Options">
/// Request options, such as <see cref="IpamOptions.RequestAddressType"/> for the gateway or
/// <see cref="IpamOptions.Serial"/>.
/// </param>
public sealed record AddressRequest(string PoolId, IPAddress? Address = null, IReadOnlyDictionary<string, string>? Options = null);
