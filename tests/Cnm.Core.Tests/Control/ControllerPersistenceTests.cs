using Cnm.Core.Errors;
using Cnm.Core.Model;
using Cnm.Protocol;

namespace Cnm.Core.Tests.Control;

/// <summary>Every successful operation is one store commit; a failed one commits nothing; a failed commit undoes the operation.</summary>
public sealed class ControllerPersistenceTests
{
    [Fact]
    public async Task Operations_EachSuccessfulOne_IsOneCommitOfItsRecords_IntentsGoneAfterwards()
    {
        var store = new FailingStore();
        var h = await ControllerHarness.CreateAsync(store: store);

        var network = await h.NetworkAsync("net1", o => o with { IpamDriver = "default", IPv4 = [new IpamConfig("10.77.0.0/24")] });
        Assert.Equal(1, store.RecordCommits);
        Assert.Contains($"cnm/v1/networks/{network.Id}=", await store.DumpAsync(), StringComparison.Ordinal);
        Assert.Contains("\"PoolId\":\"LocalDefault/10.77.0.0/24\"", await store.DumpAsync(), StringComparison.Ordinal);

        var endpoint = await h.EndpointAsync(network, "ep1", "10.77.0.9");
        Assert.Equal(2, store.RecordCommits);
        var sandbox = await h.SandboxAsync("c1");
        Assert.Equal(3, store.RecordCommits);
        await h.Controller.JoinAsync(endpoint.Id, sandbox.Id, CancellationToken.None);
        Assert.Equal(4, store.RecordCommits);
        var dump = await store.DumpAsync();
        Assert.Contains($"\"SandboxId\":\"{sandbox.Id}\"", dump, StringComparison.Ordinal);
        Assert.Contains("\"Address\":\"10.77.0.9/24\"", dump, StringComparison.Ordinal);
        Assert.Contains($"\"EndpointIds\":[\"{endpoint.Id}\"]", dump, StringComparison.Ordinal);

        await h.Controller.LeaveAsync(endpoint.Id, CancellationToken.None);
        Assert.Equal(5, store.RecordCommits);
        Assert.DoesNotContain("\"SandboxId\"", await store.DumpAsync(), StringComparison.Ordinal);
        await h.Controller.DeleteSandboxAsync(sandbox.Id, CancellationToken.None);
        await h.Controller.DeleteEndpointAsync(endpoint.Id, force: false, CancellationToken.None);
        await h.Controller.DeleteNetworkAsync(network.Id, force: false, CancellationToken.None);
        Assert.Equal(8, store.RecordCommits);
        Assert.Equal("", await store.DumpAsync());

        // The fake driver and the recording IPAM stand for plugins: every multi-step operation wrote an intent
        // first (and network and endpoint creates recorded each allocation in it), and the commit that ended it removed it.
        Assert.True(store.Commits > store.RecordCommits + 5, $"{store.Commits} commits, {store.RecordCommits} with records");
    }

    [Fact]
    public async Task Operations_StoreThatDiesWithTheProcess_WriteNoIntents_AndStillUndoAFailure()
    {
        var store = new FailingStore();
        var h = await ControllerHarness.CreateAsync(store: store, storeOutlivesProcess: false);
        var network = await h.NetworkAsync("net1", o => o with { IpamDriver = "default", IPv4 = [new IpamConfig("10.77.0.0/24")] });
        var endpoint = await h.EndpointAsync(network, "ep1", "10.77.0.9");
        var sandbox = await h.SandboxAsync("c1");
        await h.Controller.JoinAsync(endpoint.Id, sandbox.Id, CancellationToken.None);
        await h.Controller.LeaveAsync(endpoint.Id, CancellationToken.None);
        await h.Controller.DeleteSandboxAsync(sandbox.Id, CancellationToken.None);
        await h.Controller.DeleteEndpointAsync(endpoint.Id, force: false, CancellationToken.None);
        await h.Controller.DeleteNetworkAsync(network.Id, force: false, CancellationToken.None);

        // The same operations as above, against plugin-like drivers, but the store is the process's own: every commit
        // is one that writes records, none writes only an intent.
        Assert.Equal(8, store.RecordCommits);
        Assert.Equal(store.RecordCommits, store.Commits);
        Assert.Equal("", await store.DumpAsync());

        // A failure is still undone from the intent held in memory: the driver's refusal of the endpoint releases its address.
        var second = await h.NetworkAsync("net2", o => o with { IpamDriver = "rec", IPv4 = [new IpamConfig("10.78.0.0/24")] });
        h.Log.FailNext("CreateEndpoint");
        await Assert.ThrowsAsync<CnmException>(() => h.EndpointAsync(second, "ep2", "10.78.0.7"));
        Assert.Contains("ReleaseAddress 10.78.0.7", h.Log.Calls);
        Assert.DoesNotContain("cnm/v1/intents/", await store.DumpAsync(), StringComparison.Ordinal);
        Assert.Equal(store.RecordCommits, store.Commits);
    }

    [Fact]
    public async Task DeleteEndpoint_StoreThatDiesWithTheProcessFailsTheCommit_EndpointForgottenNotKeptWithItsReleasedAddress()
    {
        var store = new FailingStore();
        var h = await ControllerHarness.CreateAsync(store: store, storeOutlivesProcess: false);
        var network = await h.NetworkAsync("net1", o => o with { IPv4 = [new IpamConfig("10.79.0.0/24")] });
        var endpoint = await h.EndpointAsync(network, "ep1", "10.79.0.9");
        store.FailRecordCommits = true;

        // The plugin-like driver and IPAM have deleted the endpoint and released its address before the commit fails:
        // memory follows them, as it does when the intent is stored, whether or not the store took an intent.
        var deleted = await Assert.ThrowsAsync<CnmException>(() => h.Controller.DeleteEndpointAsync(endpoint.Id, force: false, CancellationToken.None));
        Assert.Contains("endpoint ep1 was deleted, but the state store could not record it", deleted.Message, StringComparison.Ordinal);
        Assert.Contains("the store's stale record goes when cnmd stops", deleted.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("next start", deleted.Message, StringComparison.Ordinal); // no start after a crash reads this store
        Assert.Contains("ReleaseAddress 10.79.0.9", h.Log.Calls);
        Assert.Empty(h.Controller.Endpoints);

        // The IPAM gives the address to the next endpoint: no endpoint in memory still claims it.
        store.FailRecordCommits = false;
        var next = await h.EndpointAsync(network, "ep2", "10.79.0.9");
        Assert.Equal([next.Id], h.Controller.Endpoints.Where(e => e.Address?.Address.ToString() == "10.79.0.9").Select(e => e.Id));
    }

    [Fact]
    public async Task DeleteSandbox_TwoJoinedEndpoints_OneCommitAndNothingChangedWhenItFails()
    {
        var store = new FailingStore();
        var h = await ControllerHarness.CreateAsync(store: store);
        var network = await h.NetworkAsync("net1");
        var e1 = await h.EndpointAsync(network, "ep1");
        var e2 = await h.EndpointAsync(network, "ep2");
        var sandbox = await h.SandboxAsync("c1");
        await h.Controller.JoinAsync(e1.Id, sandbox.Id, CancellationToken.None);
        await h.Controller.JoinAsync(e2.Id, sandbox.Id, CancellationToken.None);
        var before = h.Snapshot();
        var commits = store.RecordCommits;
        h.Log.Clear();

        store.FailCommits = true;
        var ex = await Assert.ThrowsAsync<CnmException>(() => h.Controller.DeleteSandboxAsync("c1", CancellationToken.None));
        Assert.StartsWith("sandbox c1 was not deleted: the state store could not record it", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, h.Snapshot());
        Assert.Empty(h.Log.Calls);

        store.FailCommits = false;
        await h.Controller.DeleteSandboxAsync("c1", CancellationToken.None);
        Assert.Equal(commits + 1, store.RecordCommits);
        var dump = await store.DumpAsync();
        Assert.DoesNotContain("cnm/v1/sandboxes/", dump, StringComparison.Ordinal);
        Assert.DoesNotContain("\"SandboxId\"", dump, StringComparison.Ordinal);
        Assert.DoesNotContain("cnm/v1/endpoints/", dump, StringComparison.Ordinal);
        Assert.Equal(["Leave " + e2.Id[..8], "DeleteEndpoint " + e2.Id[..8],
            "RevokeExternalConnectivity " + e1.Id[..8], "Leave " + e1.Id[..8], "DeleteEndpoint " + e1.Id[..8]],
            h.Log.Calls.Where(c => !c.StartsWith("ReleaseAddress", StringComparison.Ordinal)));
        Assert.Empty(h.Controller.Endpoints);
    }

    [Fact]
    public async Task FailedOperations_DriverRefuses_NothingIsCommitted()
    {
        var store = new FailingStore();
        var h = await ControllerHarness.CreateAsync(store: store);
        var network = await h.NetworkAsync("net1");
        var sandbox = await h.SandboxAsync("c1");
        var before = await store.DumpAsync();
        var commits = store.RecordCommits;

        h.Log.FailNext("CreateEndpoint");
        await Assert.ThrowsAsync<CnmException>(() => h.EndpointAsync(network, "ep1"));
        var endpoint = await h.EndpointAsync(network, "ep2");
        commits++;
        h.Log.FailNext("Join");
        await Assert.ThrowsAsync<CnmException>(() => h.Controller.JoinAsync(endpoint.Id, sandbox.Id, CancellationToken.None));
        h.Log.FailNext("CreateNetwork");
        await Assert.ThrowsAsync<CnmException>(() => h.NetworkAsync("net2"));
        h.Log.FailNext("DeleteEndpoint");
        await Assert.ThrowsAsync<CnmException>(() => h.Controller.DeleteEndpointAsync(endpoint.Id, force: false, CancellationToken.None));
        await h.Controller.DeleteEndpointAsync(endpoint.Id, force: false, CancellationToken.None);
        commits++;
        h.Log.FailNext("DeleteNetwork");
        await Assert.ThrowsAsync<CnmException>(() => h.Controller.DeleteNetworkAsync(network.Id, force: false, CancellationToken.None));

        Assert.Equal(commits, store.RecordCommits);
        Assert.Equal(before, await store.DumpAsync()); // the intents of the failed operations are gone too
    }

    [Fact]
    public async Task CreateNetwork_StoreFails_UndoneInDriverAndIpam()
    {
        var store = new FailingStore();
        var h = await ControllerHarness.CreateAsync(store: store);
        var before = h.Snapshot();
        store.FailRecordCommits = true;

        var ex = await Assert.ThrowsAsync<CnmException>(() => h.NetworkAsync("net1", o => o with { IPv4 = [new IpamConfig("10.78.0.0/24", Gateway: "10.78.0.1")] }));

        Assert.Equal(ErrorCategory.Unavailable, ex.Category);
        Assert.Contains("network net1 was not created: the state store could not record it (injected: disk I/O error)", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, h.Snapshot());
        Assert.Equal(["CreateNetwork", "DeleteNetwork"], h.Log.Names.Where(n => n.EndsWith("Network", StringComparison.Ordinal)));
        Assert.Equal("", await store.DumpAsync()); // its intent was removed with the undo
        store.FailRecordCommits = false;
        await h.NetworkAsync("net1", o => o with { IPv4 = [new IpamConfig("10.78.0.0/24", Gateway: "10.78.0.1")] }); // the pool was freed
    }

    [Fact]
    public async Task Operations_StoreCannotTakeTheIntent_FailBeforeTheDriverCallAndGiveBackTheirAddresses()
    {
        var store = new FailingStore();
        var h = await ControllerHarness.CreateAsync(store: store);
        var network = await h.NetworkAsync("net1");
        var endpoint = await h.EndpointAsync(network, "ep1");
        var sandbox = await h.SandboxAsync("c1");
        var before = h.Snapshot();
        h.Log.Clear();
        store.FailCommits = true;

        var create = await Assert.ThrowsAsync<CnmException>(() => h.NetworkAsync("net2"));
        await Assert.ThrowsAsync<CnmException>(() => h.EndpointAsync(network, "ep2"));
        await Assert.ThrowsAsync<CnmException>(() => h.Controller.JoinAsync(endpoint.Id, sandbox.Id, CancellationToken.None));
        var delete = await Assert.ThrowsAsync<CnmException>(() => h.Controller.DeleteEndpointAsync(endpoint.Id, force: true, CancellationToken.None));

        Assert.Contains("network net2 was not created: the state store could not record it", create.Message, StringComparison.Ordinal);
        Assert.Contains("endpoint ep1 was not deleted: the state store could not record it", delete.Message, StringComparison.Ordinal);
        // The IPAM answers come first (their undo is known only from the answer), then the intent cannot be
        // written: each allocation is given back, and no network driver call is made.
        Assert.DoesNotContain(h.Log.Names, n => n is not ("RequestPool" or "ReleasePool" or "RequestAddress" or "ReleaseAddress"));
        Assert.Equal(h.Log.Names.Count(n => n == "RequestPool"), h.Log.Names.Count(n => n == "ReleasePool"));
        Assert.Equal(h.Log.Names.Count(n => n == "RequestAddress"), h.Log.Names.Count(n => n == "ReleaseAddress"));
        Assert.Equal(before, h.Snapshot());
    }

    [Fact]
    public async Task CreateEndpointAndJoin_StoreFails_UndoneAndStateUnchanged()
    {
        var store = new FailingStore();
        var h = await ControllerHarness.CreateAsync(store: store);
        var network = await h.NetworkAsync("net1");
        var endpoint = await h.EndpointAsync(network, "ep1");
        var sandbox = await h.SandboxAsync("c1");
        var before = h.Snapshot();
        var stored = await store.DumpAsync();
        store.FailRecordCommits = true;
        h.Log.Clear();

        await Assert.ThrowsAsync<CnmException>(() => h.EndpointAsync(network, "ep2"));
        var join = await Assert.ThrowsAsync<CnmException>(() => h.Controller.JoinAsync(endpoint.Id, sandbox.Id, CancellationToken.None));
        await Assert.ThrowsAsync<CnmException>(() => h.SandboxAsync("c2"));

        Assert.Contains("endpoint ep1 was not joined to sandbox c1", join.Message, StringComparison.Ordinal);
        Assert.Equal(before, h.Snapshot());
        Assert.Equal(stored, await store.DumpAsync());
        Assert.Equal(["CreateEndpoint", "DeleteEndpoint", "Join", "ProgramExternalConnectivity", "RevokeExternalConnectivity", "Leave"],
            h.Log.Names.Where(n => n is not ("RequestAddress" or "ReleaseAddress")));
        store.FailRecordCommits = false;
        await h.Controller.JoinAsync(endpoint.Id, sandbox.Id, CancellationToken.None); // nothing was left busy
    }

    [Fact]
    public async Task Deletes_StoreFails_ObjectKeptReadyAsTheStoreHasIt()
    {
        var store = new FailingStore();
        var h = await ControllerHarness.CreateAsync(store: store);
        var network = await h.NetworkAsync("net1");
        var endpoint = await h.EndpointAsync(network, "ep1");
        var sandbox = await h.SandboxAsync("c1");
        await h.Controller.JoinAsync(endpoint.Id, sandbox.Id, CancellationToken.None);
        var before = h.Snapshot();
        store.FailCommits = true;

        var leave = await Assert.ThrowsAsync<CnmException>(() => h.Controller.LeaveAsync(endpoint.Id, CancellationToken.None));
        await Assert.ThrowsAsync<CnmException>(() => h.Controller.DeleteSandboxAsync(sandbox.Id, CancellationToken.None));
        await Assert.ThrowsAsync<CnmException>(() => h.Controller.DeleteEndpointAsync(endpoint.Id, force: true, CancellationToken.None));

        Assert.Contains("endpoint ep1 did not leave sandbox c1: the state store could not record it", leave.Message, StringComparison.Ordinal);
        Assert.Equal(before, h.Snapshot());
        store.FailCommits = false;
        await h.Controller.DeleteSandboxAsync(sandbox.Id, CancellationToken.None); // deletes the endpoint too
        Assert.Empty(h.Controller.Endpoints);
        store.FailCommits = true;
        var kept = await Assert.ThrowsAsync<CnmException>(() => h.Controller.DeleteNetworkAsync(network.Id, force: false, CancellationToken.None));
        Assert.Contains("network net1 was not deleted: the state store could not record it", kept.Message, StringComparison.Ordinal);
        Assert.Equal(ObjectState.Ready, h.Controller.GetNetwork("net1").State);
        Assert.NotEmpty(h.Controller.GetNetwork("net1").IPv4Pools);
        Assert.DoesNotContain("DeleteNetwork", h.Log.Names);

        // The intent is stored but the final commit fails: the drivers have deleted the network, so memory follows
        // them, and the store keeps the record with its intent until start-up finishes the delete.
        store.FailCommits = false;
        store.FailRecordCommits = true;
        var deleted = await Assert.ThrowsAsync<CnmException>(() => h.Controller.DeleteNetworkAsync(network.Id, force: false, CancellationToken.None));
        Assert.Contains("network net1 was deleted, but the state store could not record it", deleted.Message, StringComparison.Ordinal);
        Assert.Contains("cnmd finishes it at the next start", deleted.Message, StringComparison.Ordinal);
        Assert.Empty(h.Controller.Networks);
        var dump = await store.DumpAsync();
        Assert.Contains($"cnm/v1/networks/{network.Id}", dump, StringComparison.Ordinal);
        Assert.Contains($"cnm/v1/intents/{network.Id}", dump, StringComparison.Ordinal);

        store.FailRecordCommits = false;
        var again = await ControllerHarness.CreateAsync(store: store);
        Assert.Empty(again.Controller.Networks);
        Assert.DoesNotContain("cnm/v1/networks/", await store.DumpAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("cnm/v1/intents/", await store.DumpAsync(), StringComparison.Ordinal);

        // Its calls are owed again (the drivers answer, and each call is dropped once answered).
        for (var i = 0; i < 100 && again.Controller.PendingCalls.Count > 0; i++)
        {
            await Task.Delay(100);
        }

        Assert.Empty(again.Controller.PendingCalls);
        Assert.Equal("", await store.DumpAsync());
        Assert.Contains("DeleteNetwork", again.Log.Names);
    }
}
