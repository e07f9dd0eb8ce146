using System.Net;
using Cnm.Core.Ipam;

namespace Cnm.Core.Tests.Control;

/// <summary>Wraps a real IPAM: records each call and can fail any of them.</summary>
internal sealed class RecordingIpam(IIpamDriver inner, CallLog log) : IIpamDriver
{
    public Task<AddressSpaces> GetDefaultAddressSpacesAsync(CancellationToken cancellationToken)
    {
        log.Record("GetDefaultAddressSpaces");
        return inner.GetDefaultAddressSpacesAsync(cancellationToken);
    }

    public Task<PoolAllocation> RequestPoolAsync(PoolRequest request, CancellationToken cancellationToken)
    {
        log.Record("RequestPool", $"{request.Pool}{(request.V6 ? " v6" : "")}");
        return inner.RequestPoolAsync(request, cancellationToken);
    }

    public Task ReleasePoolAsync(string poolId, CancellationToken cancellationToken)
    {
        log.Record("ReleasePool", poolId);
        return inner.ReleasePoolAsync(poolId, cancellationToken);
    }

    public Task<AddressAllocation> RequestAddressAsync(AddressRequest request, CancellationToken cancellationToken)
    {
        var type = request.Options?.GetValueOrDefault(IpamOptions.RequestAddressType);
        log.Record("RequestAddress", $"{request.Address}{(type is null ? "" : " gateway")}");
        return inner.RequestAddressAsync(request, cancellationToken);
    }

    public Task ReleaseAddressAsync(string poolId, IPAddress address, CancellationToken cancellationToken)
    {
        log.Record("ReleaseAddress", address.ToString());
        return inner.ReleaseAddressAsync(poolId, address, cancellationToken);
    }
}
