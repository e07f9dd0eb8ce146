using Cnm.Core.Model;
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
}
