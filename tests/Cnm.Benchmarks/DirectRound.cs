using System.Diagnostics;
using Cnm.Core.Control;
using Cnm.Core.Drivers;
using Cnm.Core.Net;
using Cnm.Drivers.Remote;

namespace Cnm.Benchmarks;

/// <summary>
/// The six calls of one lifecycle made on the remote driver itself, with what the controller would pass
/// (a fixed endpoint id and IPv4 address instead of new ones): the driver and client cost without the controller.
/// </summary>
internal sealed class DirectRound(RemoteNetworkDriver driver, string networkId, string sandboxKey)
{
    private static readonly IpPrefix Address = IpPrefix.Parse("172.18.0.2/16");
    private readonly string _endpointId = new('e', 64);

    /// <summary>One round; with <paramref name="callTicks"/>, each call's time is added to its slot (the order of <see cref="LifecycleHarness.LifecycleMethods"/>).</summary>
    public async Task RunAsync(long[]? callTicks = null)
    {
        var ct = CancellationToken.None;
        var (nid, eid) = (networkId, _endpointId);
        var t0 = Stopwatch.GetTimestamp();
        await driver.CreateEndpointAsync(new CreateEndpointArgs(nid, eid, GenericOptions.Empty), new EndpointInterfaceSlot(Address, null, null), ct)
            .ConfigureAwait(false);
        var t1 = Stopwatch.GetTimestamp();
        await driver.JoinAsync(new JoinArgs(nid, eid, sandboxKey, GenericOptions.Empty), new JoinInfo(), ct).ConfigureAwait(false);
        var t2 = Stopwatch.GetTimestamp();
        await driver.ProgramExternalConnectivityAsync(nid, eid, GenericOptions.Empty, ct).ConfigureAwait(false);
        var t3 = Stopwatch.GetTimestamp();
        await driver.RevokeExternalConnectivityAsync(nid, eid, ct).ConfigureAwait(false);
        var t4 = Stopwatch.GetTimestamp();
        await driver.LeaveAsync(nid, eid, ct).ConfigureAwait(false);
        var t5 = Stopwatch.GetTimestamp();
        await driver.DeleteEndpointAsync(nid, eid, ct).ConfigureAwait(false);
        var t6 = Stopwatch.GetTimestamp();
        if (callTicks is not null)
        {
            callTicks[0] += t1 - t0;
            callTicks[1] += t2 - t1;
            callTicks[2] += t3 - t2;
            callTicks[3] += t4 - t3;
            callTicks[4] += t5 - t4;
            callTicks[5] += t6 - t5;
        }
    }
}
