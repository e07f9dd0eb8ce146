using System.Net;
using System.Text.Json;
using Cnm.Core.Drivers;
using Cnm.Core.Errors;
using Cnm.Core.Persistence;
using Cnm.Protocol;

namespace Cnm.Core.Control;

/// <summary>
/// Sends a <see cref="PendingCall"/> to the registered driver it names. NotFound counts as unreachable only while the
/// driver is not registered; a registered driver's NotFound is its answer. <paramref name="sandboxOptions"/> gives a
/// sandbox's options for ProgramExternalConnectivity (null when the sandbox is gone: nothing is sent).
/// </summary>
internal sealed class DriverCallSender(DriverRegistry drivers, Func<string?, IReadOnlyDictionary<string, JsonElement>?> sandboxOptions)
    : IPendingCallSender
{
    public async Task<(CallOutcome Outcome, Exception? Error)> SendAsync(PendingCall call, CancellationToken cancellationToken)
    {
        try
        {
            if (call.IsIpam)
            {
                var ipam = await drivers.GetIpamDriverAsync(call.Driver, cancellationToken).ConfigureAwait(false);
                await (call.Method == PendingMethods.ReleasePool
                    ? ipam.Driver.ReleasePoolAsync(call.PoolId!, cancellationToken)
                    : ipam.Driver.ReleaseAddressAsync(call.PoolId!, IPAddress.Parse(call.Address!), cancellationToken)).ConfigureAwait(false);
                return (CallOutcome.Done, null);
            }

            var driver = (await drivers.GetNetworkDriverAsync(call.Driver, cancellationToken).ConfigureAwait(false)).Driver;
            var (nid, eid) = (call.NetworkId!, call.EndpointId!);
            var external = driver as IExternalConnectivityDriver;
            await (call.Method switch
            {
                PendingMethods.DeleteNetwork => driver.DeleteNetworkAsync(nid, cancellationToken),
                PendingMethods.DeleteEndpoint => driver.DeleteEndpointAsync(nid, eid, cancellationToken),
                PendingMethods.Leave => driver.LeaveAsync(nid, eid, cancellationToken),
                PendingMethods.RevokeExternalConnectivity => external?.RevokeExternalConnectivityAsync(nid, eid, cancellationToken) ?? Task.CompletedTask,
                _ => external is not null && sandboxOptions(call.SandboxId) is { } options
                    ? external.ProgramExternalConnectivityAsync(nid, eid, options, cancellationToken)
                    : Task.CompletedTask,
            }).ConfigureAwait(false);
            return (CallOutcome.Done, null);
        }
        catch (CnmException ex) when (ex.Category is ErrorCategory.Unavailable or ErrorCategory.Timeout or ErrorCategory.NotFound
            && (ex.Category != ErrorCategory.NotFound || !IsRegistered(call)))
        {
            return (CallOutcome.Unreachable, ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            return (CallOutcome.Refused, ex);
        }
    }

    private bool IsRegistered(PendingCall call) =>
        call.IsIpam ? drivers.FindIpamDriver(call.Driver) is not null : drivers.FindNetworkDriver(call.Driver) is not null;
}
