using System.Net;
using Cnm.Core.Errors;
using Cnm.Core.Ipam;
using Cnm.Core.Net;
using Cnm.Protocol;
using Cnm.Protocol.Ipam;

namespace Cnm.Drivers.Remote;

/// <summary>An IPAM driver that is a plugin process (docs/reference-host.md §4).</summary>
internal sealed class RemoteIpamDriver(PluginConnection plugin) : IIpamDriver
{
    private static PluginJsonContext Json => PluginJsonContext.Default;

    public string Name => plugin.PluginName;

    /// <summary>Capabilities; any failure means a legacy driver without any (docs/reference-host.md §4.2).</summary>
    public async Task<IpamCapabilities> GetCapabilitiesAsync(CancellationToken cancellationToken)
    {
        try
        {
            var reply = await plugin.CallAsync(PluginMethods.Ipam.GetCapabilities, Json.IpamCapabilitiesResponse, cancellationToken)
                .ConfigureAwait(false);
            return new IpamCapabilities(reply.RequiresMacAddress, reply.RequiresRequestReplay);
        }
        catch (CnmException)
        {
            return new IpamCapabilities();
        }
    }

    public async Task<AddressSpaces> GetDefaultAddressSpacesAsync(CancellationToken cancellationToken)
    {
        var reply = await plugin.CallAsync(PluginMethods.Ipam.GetDefaultAddressSpaces, Json.GetDefaultAddressSpacesResponse,
            cancellationToken).ConfigureAwait(false);
        return new AddressSpaces(reply.LocalDefaultAddressSpace ?? "", reply.GlobalDefaultAddressSpace ?? "");
    }

    public async Task<PoolAllocation> RequestPoolAsync(PoolRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var reply = await plugin.CallAsync(PluginMethods.Ipam.RequestPool,
            new RequestPoolRequest(request.AddressSpace, request.Pool?.ToString() ?? "", request.SubPool?.ToString() ?? "",
                request.Options, request.V6),
            Json.RequestPoolRequest, Json.RequestPoolResponse, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(reply.PoolId) || !IpPrefix.TryParse(reply.Pool, out var pool))
        {
            // The plugin holds a pool we cannot use: give it back rather than leak it (the reference leaks it).
            if (!string.IsNullOrEmpty(reply.PoolId))
            {
                try
                {
                    await ReleasePoolAsync(reply.PoolId, CancellationToken.None).ConfigureAwait(false);
                }
                catch (CnmException)
                {
                }
            }

            throw new CnmException(ErrorCategory.Internal,
                $"plugin \"{Name}\" {PluginMethods.Ipam.RequestPool}: bad reply: PoolID \"{reply.PoolId}\", Pool \"{reply.Pool}\" (expected an id and a CIDR)")
            {
                Plugin = Name,
                Method = PluginMethods.Ipam.RequestPool,
            };
        }

        // Host bits are kept: the pool is forwarded to the network driver as the IPAM wrote it (docs/reference-host.md §3.2).
        return new PoolAllocation(reply.PoolId, pool, reply.Data);
    }

    public Task ReleasePoolAsync(string poolId, CancellationToken cancellationToken) =>
        plugin.CallAsync(PluginMethods.Ipam.ReleasePool, new ReleasePoolRequest(poolId),
            Json.ReleasePoolRequest, Json.ReleasePoolResponse, cancellationToken);

    public async Task<AddressAllocation> RequestAddressAsync(AddressRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var reply = await plugin.CallAsync(PluginMethods.Ipam.RequestAddress,
            new RequestAddressRequest(request.PoolId, request.Address?.ToString() ?? "", request.Options),
            Json.RequestAddressRequest, Json.RequestAddressResponse, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(reply.Address))
        {
            throw new CnmException(ErrorCategory.Unavailable, $"plugin \"{Name}\" {PluginMethods.Ipam.RequestAddress}: no address returned for pool {request.PoolId}")
            {
                Plugin = Name,
                Method = PluginMethods.Ipam.RequestAddress,
            };
        }

        if (!IpPrefix.TryParse(reply.Address, out var address))
        {
            // The plugin holds the address it answered with: give it back rather than leak it (the reference
            // leaks it; docs/decisions.md, "endpoint and join rollback": nothing is leaked whatever step fails).
            if (IPAddress.TryParse(reply.Address.Split('/')[0], out var held))
            {
                try
                {
                    await ReleaseAddressAsync(request.PoolId, held, CancellationToken.None).ConfigureAwait(false);
                }
                catch (CnmException)
                {
                }
            }

            throw new CnmException(ErrorCategory.Internal,
                $"plugin \"{Name}\" {PluginMethods.Ipam.RequestAddress}: bad reply: Address \"{reply.Address}\" is not an address with a prefix length")
            {
                Plugin = Name,
                Method = PluginMethods.Ipam.RequestAddress,
            };
        }

        return new AddressAllocation(address, reply.Data);
    }

    public Task ReleaseAddressAsync(string poolId, IPAddress address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        return plugin.CallAsync(PluginMethods.Ipam.ReleaseAddress, new ReleaseAddressRequest(poolId, address.ToString()),
            Json.ReleaseAddressRequest, Json.ReleaseAddressResponse, cancellationToken);
    }
}
