using System.Net;

namespace Cnm.Core.Ipam;

/// <summary>
/// An IP address manager, built in (default, null) or remote. The controller asks it for pools when a
/// network is created and for addresses when endpoints are created (docs/reference-host.md §4.4).
/// Failures are <see cref="Errors.CnmException"/>s; see <see cref="IpamErrors"/> for the catalogue.
/// </summary>
public interface IIpamDriver
{
    /// <summary>The local and global default address spaces.</summary>
    Task<AddressSpaces> GetDefaultAddressSpacesAsync(CancellationToken cancellationToken);

    /// <summary>Reserves a pool: the one asked for, or a free predefined one when <see cref="PoolRequest.Pool"/> is null.</summary>
    Task<PoolAllocation> RequestPoolAsync(PoolRequest request, CancellationToken cancellationToken);

    /// <summary>Releases a pool reserved by <see cref="RequestPoolAsync"/>.</summary>
    Task ReleasePoolAsync(string poolId, CancellationToken cancellationToken);

    /// <summary>Reserves an address: the one asked for, or any free one when <see cref="AddressRequest.Address"/> is null.</summary>
    Task<AddressAllocation> RequestAddressAsync(AddressRequest request, CancellationToken cancellationToken);

    /// <summary>Releases an address reserved by <see cref="RequestAddressAsync"/>.</summary>
    Task ReleaseAddressAsync(string poolId, IPAddress address, CancellationToken cancellationToken);
}
