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

    [Fact]
    public async Task ConnectAsync_JoinFailsAndItsUndoFails_EndpointKeptAndAWarningNamesIt()
    {
        var store = new FailingStore();
        var logs = new RecordingLoggerFactory();
        var h = await ControllerHarness.CreateAsync(store: store, loggerFactory: logs);
        var network = await h.NetworkAsync("n1");
        await h.SandboxAsync("c1");
        h.Driver.OnJoin = _ =>
        {
            store.FailCommits = true; // from here on the store refuses: the delete that undoes the connect cannot be recorded
            throw new InvalidOperationException("no veth today");
        };

        var error = await Assert.ThrowsAsync<CnmException>(() =>
            h.Controller.ConnectAsync(network.Id, "c1", new EndpointCreateOptions { Name = "c1" }, CancellationToken.None));

        Assert.Contains("no veth today", error.Message, StringComparison.Ordinal);
        var kept = Assert.Single(h.Controller.Endpoints);
        Assert.Equal(ObjectState.Ready, kept.State);
        Assert.Null(kept.SandboxId);
        var warning = Assert.Single(logs.Entries, e => e.EventId == 2040);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains(kept.Id, warning.Message, StringComparison.Ordinal);
        Assert.Contains("network n1", warning.Message, StringComparison.Ordinal);

        // Nothing is leaked: once the store works again, a forced disconnect by name removes it.
        store.FailCommits = false;
        await h.Controller.DisconnectAsync("n1", "c1", force: true, CancellationToken.None);
        Assert.Empty(h.Controller.Endpoints);
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
