using Cnm.Core.Errors;
using Cnm.Core.Model;
using Microsoft.Extensions.Logging;

namespace Cnm.Core.Tests.Control;

/// <summary>Connect and disconnect as controller operations (spec/controller.md, "Connect and disconnect").</summary>
public sealed class ControllerConnectTests
{
    [Fact]
    public async Task ConnectAsync_JoinFails_EndpointDeletedAgainAndTheJoinErrorStands()
    {
        var h = await ControllerHarness.CreateAsync();
        var network = await h.NetworkAsync("n1");
        await h.SandboxAsync("c1");
        h.Driver.OnJoin = _ => throw new InvalidOperationException("no veth today");
        h.Log.Clear();

        var error = await Assert.ThrowsAsync<CnmException>(() =>
            h.Controller.ConnectAsync(network.Id, "c1", new EndpointCreateOptions { Name = "c1" }, CancellationToken.None));

        Assert.Contains("no veth today", error.Message, StringComparison.Ordinal);
        Assert.Empty(h.Controller.Endpoints);
        Assert.Equal(["RequestAddress", "CreateEndpoint", "Join", "DeleteEndpoint", "ReleaseAddress"], h.Log.Names);
    }

    /// <summary>
    /// A connect is one operation (issue 10 point 2): its endpoint is recorded only with the join, so a failed join leaves
    /// nothing to delete in the store. Even when the store refuses from then on, the driver calls are undone and nothing
    /// is kept; the intent the store still holds makes the next start undo it again (safe to repeat).
    /// </summary>
    [Fact]
    public async Task ConnectAsync_JoinFailsAndStoreRefuses_NothingKeptAndIntentLeftForRestart()
    {
        var store = new FailingStore();
        var h = await ControllerHarness.CreateAsync(store: store);
        var network = await h.NetworkAsync("n1");
        await h.SandboxAsync("c1");
        h.Log.Clear();
        h.Driver.OnJoin = _ =>
        {
            store.FailCommits = true; // from here on the store refuses
            throw new InvalidOperationException("no veth today");
        };

        var error = await Assert.ThrowsAsync<CnmException>(() =>
            h.Controller.ConnectAsync(network.Id, "c1", new EndpointCreateOptions { Name = "c1" }, CancellationToken.None));

        Assert.Contains("no veth today", error.Message, StringComparison.Ordinal);
        Assert.Empty(h.Controller.Endpoints);
        Assert.Equal(ObjectState.Ready, h.Controller.GetSandbox("c1").State);
        Assert.Equal(["RequestAddress", "CreateEndpoint", "Join", "DeleteEndpoint", "ReleaseAddress"], h.Log.Names);
        var intent = Assert.Single((await store.Inner.ListAsync("cnm/v1/intents/", CancellationToken.None)).Entries);
        Assert.Contains("\"connect\"", System.Text.Encoding.UTF8.GetString(intent.Value.Span), StringComparison.Ordinal);
        Assert.Empty((await store.Inner.ListAsync("cnm/v1/endpoints/", CancellationToken.None)).Entries);
    }

    [Fact]
    public async Task DisconnectAsync_NotConnected_NotFoundUnlessForcedByName()
    {
        var h = await ControllerHarness.CreateAsync();
        var network = await h.NetworkAsync("n1");
        await h.EndpointAsync(network, "ghost");

        var error = await Assert.ThrowsAsync<CnmException>(() => h.Controller.DisconnectAsync("n1", "ghost", force: false, CancellationToken.None));
        Assert.Equal(Protocol.ErrorCategory.NotFound, error.Category);

        await h.Controller.DisconnectAsync("n1", "ghost", force: true, CancellationToken.None);
        Assert.Empty(h.Controller.Endpoints);
    }
}
