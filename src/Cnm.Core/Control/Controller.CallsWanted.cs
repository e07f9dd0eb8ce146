using System.Text.Json;
using Cnm.Core.Model;
using Cnm.Core.Persistence;

namespace Cnm.Core.Control;

public sealed partial class Controller
{
    /// <summary>
    /// Whether a pending call is still wanted (<see cref="Control.PendingCalls"/>' staleness rule). One that could now do
    /// harm is not: a release of an address or pool that an object holds again, a Leave or Revoke of an endpoint that is
    /// joined again, a Program for an endpoint that is no longer its sandbox's gateway.
    /// </summary>
    private bool IsWanted(PendingCall call)
    {
        lock (_gate)
        {
            return !(call.Method switch
            {
                PendingMethods.ReleasePool => _networks.Values.Any(n => HoldsPool(n, call.PoolId!)),
                PendingMethods.ReleaseAddress => HoldsAddress(call.PoolId!, call.Address!),
                PendingMethods.Leave or PendingMethods.RevokeExternalConnectivity =>
                    _endpoints.TryGetValue(call.EndpointId!, out var e) && e.SandboxId is not null,
                PendingMethods.ProgramExternalConnectivity =>
                    call.SandboxId is null || !_sandboxes.TryGetValue(call.SandboxId, out var s) || s.GatewayEndpointId != call.EndpointId,
                _ => false,
            });
        }
    }

    /// <summary>A sandbox's options for ProgramExternalConnectivity; null when it is gone.</summary>
    private IReadOnlyDictionary<string, JsonElement>? SandboxOptions(string? sandboxId)
    {
        lock (_gate)
        {
            return sandboxId is not null && _sandboxes.TryGetValue(sandboxId, out var sandbox) ? GenericOptions.ForSandbox(sandbox.Options) : null;
        }
    }

    private static bool HoldsPool(Network network, string poolId) =>
        network.IPv4Pools.Concat(network.IPv6Pools).Any(p => p.PoolId == poolId);

    /// <summary>True when a network (gateway, aux address) or an endpoint holds the address in the pool. Called under the lock.</summary>
    private bool HoldsAddress(string poolId, string address) =>
        _networks.Values.SelectMany(n => n.IPv4Pools.Concat(n.IPv6Pools)).Where(p => p.PoolId == poolId)
            .Any(p => p.Gateway?.Address.ToString() == address || p.AuxAddresses.Values.Any(a => a.ToString() == address))
        || _endpoints.Values.Any(e => (e.PoolId == poolId && e.Address?.Address.ToString() == address)
            || (e.PoolIdIPv6 == poolId && e.AddressIPv6?.Address.ToString() == address));
}
