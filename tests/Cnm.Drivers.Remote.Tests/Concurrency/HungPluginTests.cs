using Cnm.Core.Model;
using Cnm.Core.Control;
using Cnm.Protocol;
using Cnm.Testing;

namespace Cnm.Drivers.Remote.Tests.Concurrency;

/// <summary>
/// Issue 10, "No gate is held across a plugin call": a plugin that hangs, in its activation's GetCapabilities or in
/// a pending call being delivered, holds up only itself. The second plugin's work is bounded by a generous 15 s, far
/// below the 60 s call timeout the hung call would run into.
/// </summary>
public sealed class HungPluginTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    /// <summary>A plugin <c>slow</c> in the harness's socket directory whose NetworkDriver.GetCapabilities hangs until released.</summary>
    private static async Task<(PluginServer Server, TaskCompletionSource Entered, TaskCompletionSource Release)> HangingPluginAsync(RemoteHarness h)
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = await PluginServer.StartUnixAsync(h.Layout.SocketPath("slow"), s => s
            .Implements(PluginInterfaces.NetworkDriver)
            .Map(PluginMethods.Network.GetCapabilities, async (_, cancellationToken) =>
            {
                entered.TrySetResult();
                await release.Task.WaitAsync(cancellationToken);
                return PluginReply.Json("""{"Scope":"local"}""");
            }));
        return (server, entered, release);
    }

    [Fact]
    public async Task Activation_OtherPluginHangsInGetCapabilities_SecondPluginActivatesAndWorks()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var (server, entered, release) = await HangingPluginAsync(h);
        await using (server)
        {
            var hung = h.Registry.GetAsync("slow", PluginInterfaces.NetworkDriver, CancellationToken.None);
            await entered.Task.WaitAsync(Bound);

            // The second plugin is activated now (its first use), while the first one's GetCapabilities still hangs.
            var network = await h.NetworkAsync("n1").WaitAsync(Bound);
            var endpoint = await h.EndpointAsync(network, "e1").WaitAsync(Bound);

            Assert.False(hung.IsCompleted, "the hung plugin's activation should still be waiting for GetCapabilities");
            Assert.Equal(ObjectState.Ready, endpoint.State);
            Assert.Equal([network.Id], h.Plugin.Networks);
            release.SetResult();
            await hung.WaitAsync(Bound);
        }
    }

    [Fact]
    public async Task PendingDelivery_OtherPluginHangsInAnOwedCall_SecondPluginsOwedCallsAndOperationsGoOn()
    {
        await using var h = await RemoteHarness.CreateAsync();
        await using var other = await RecordingPlugin.StartAsync(h.Layout.SocketPath("rec2"));
        var fast = await h.NetworkAsync("n1");
        var slow = await h.Controller.CreateNetworkAsync(new NetworkCreateOptions { Name = "n2", Driver = "rec2" }, CancellationToken.None);
        var e1 = await h.EndpointAsync(fast, "e1");
        var e2 = await h.EndpointAsync(slow, "e2");

        // Both plugins go away; a forced delete on each leaves a DeleteEndpoint owed to each.
        await h.Plugin.StopAsync();
        await other.StopAsync();
        await h.Registry.MarkGoneAsync(RemoteHarness.PluginName, "socket removed", CancellationToken.None);
        await h.Registry.MarkGoneAsync("rec2", "socket removed", CancellationToken.None);
        await h.Controller.DeleteEndpointAsync(e1.Id, force: true, CancellationToken.None);
        await h.Controller.DeleteEndpointAsync(e2.Id, force: true, CancellationToken.None);
        Assert.Equal(2, h.Controller.PendingCalls.Count);

        // rec2 comes back and hangs in the DeleteEndpoint it is owed.
        var stall = other.Stall(PluginMethods.Network.DeleteEndpoint, slow.Id, TimeSpan.FromSeconds(60));
        await other.StartAsync();
        await h.Registry.GetAsync("rec2", CancellationToken.None);
        await stall.Entered.WaitAsync(Bound);

        // rec comes back: it gets what it is owed, and new work on its networks goes on, while rec2 still hangs.
        await h.Plugin.StartAsync();
        await h.Registry.GetAsync(RemoteHarness.PluginName, CancellationToken.None);
        await Eventually.TrueAsync(() => h.Controller.OwedCalls.All(c => c.Driver == "rec2"), "rec's owed call to be delivered", Bound);
        await h.Controller.DeleteNetworkAsync(fast.Id, force: false, CancellationToken.None).WaitAsync(Bound);
        var n3 = await h.NetworkAsync("n3").WaitAsync(Bound);
        await h.EndpointAsync(n3, "e3").WaitAsync(Bound);

        Assert.False(stall.IsReleased, "rec2 should still hang in its owed DeleteEndpoint");
        Assert.Equal([n3.Id], h.Plugin.Networks);
        stall.Release();
        await h.WaitForNoPendingCallsAsync();
        Assert.Empty(other.Endpoints);
    }
}
