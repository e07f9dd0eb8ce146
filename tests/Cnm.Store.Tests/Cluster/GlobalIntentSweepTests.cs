using System.Net;
using System.Text;
using Cnm.Core.Cluster;
using Cnm.Core.Errors;
using Cnm.Core.Store;
using Cnm.Protocol;
using Cnm.Store.Etcd;
using Cnm.Store.Tests.Etcd;

namespace Cnm.Store.Tests.Cluster;

/// <summary>
/// Global intents and the sweep on a real etcd (spec/cluster-membership.md, "Global intents", "Sweep"): a node killed
/// in the middle of an allocation leaves no address that is claimed and owned by nobody once a live node has swept it.
/// </summary>
public sealed class GlobalIntentSweepTests(EtcdNodeFixture etcd) : IClassFixture<EtcdNodeFixture>, IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly IPNetwork Pool = IPNetwork.Parse("10.20.0.0/24");
    private readonly EtcdScratch _scratch = new(etcd);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _scratch.DisposeAsync();

    [Fact]
    public async Task Sweep_NodeKilledMidAllocation_LiveNodeReleasesItsClaimsAndKeepsCompletedOnes()
    {
        var nodeA = await StartAsync("node-a", TimeSpan.FromSeconds(10));
        // Short, but long enough that a stalled test host does not lose B's lease before B is "killed".
        var nodeB = await StartAsync("node-b", TimeSpan.FromSeconds(6));
        var store = await ConnectAsync();
        var claims = new GlobalAddressClaims(store, nodeB.Journal);

        // One endpoint of B completed: its address belongs to the endpoint.
        var done = await nodeB.Journal.BeginAsync("endpoint-create", "endpoints/ep-done", None);
        var kept = await claims.ClaimNextAsync(done, "pool-1", Pool, None);
        await nodeB.Journal.CompleteAsync(done, new StoreTransaction().Put("endpoints/ep-done", Encoding.UTF8.GetBytes(kept.ToString())), None);

        // Another was half way: two addresses claimed, the endpoint never written. Then B dies (no revoke).
        var open = await nodeB.Journal.BeginAsync("endpoint-create", "endpoints/ep-lost", None);
        await claims.ClaimNextAsync(open, "pool-1", Pool, None);
        await claims.ClaimNextAsync(open, "pool-1", Pool, None);
        await nodeB.AbandonAsync();

        // A sees B's lease expire and sweeps it.
        await WaitUntilAsync(async () => (await store.ListAsync(ClusterKeys.Intents, None)).Entries.Count == 0);

        var left = (await store.ListAsync(ClusterKeys.AddressesOf("pool-1"), None)).Entries;
        Assert.Equal([ClusterKeys.Address("pool-1", kept.ToString())], left.Select(e => e.Key));
        await AssertNothingLeakedAsync(store, "pool-1");
        Assert.Equal(["node-a"], nodeA.Members.Select(m => m.Name));
    }

    [Fact]
    public async Task Sweep_OwnerStillRunningAfterItsLeaseWent_CanNeitherClaimNorCompleteAfterward()
    {
        var store = await ConnectAsync();
        var journal = new GlobalIntentJournal(store, "node-cut-off");
        var claims = new GlobalAddressClaims(store, journal);
        var intent = await journal.BeginAsync("endpoint-create", "endpoints/ep-1", None);
        await claims.ClaimNextAsync(intent, "pool-2", Pool, None);

        // node-cut-off has no membership key (its lease expired), so a live node sweeps it.
        var released = await new IntentSweeper(store).SweepNodeAsync("node-cut-off", onlyIfGone: true, None);

        Assert.Equal(1, released);
        var claim = await Assert.ThrowsAsync<CnmException>(() => claims.ClaimNextAsync(intent, "pool-2", Pool, None));
        var complete = await Assert.ThrowsAsync<CnmException>(() => journal.CompleteAsync(intent, new StoreTransaction().Put("endpoints/ep-1", new byte[] { 1 }), None));
        Assert.Equal((ErrorCategory.Conflict, ErrorCategory.Conflict), (claim.Category, complete.Category));
        Assert.Contains("settled by a sweep", complete.Message, StringComparison.Ordinal);
        Assert.Null(await store.GetAsync("endpoints/ep-1", None));
        Assert.Empty((await store.ListAsync(ClusterKeys.Addresses, None)).Entries);
        Assert.Empty((await store.ListAsync(ClusterKeys.Intents, None)).Entries);
    }

    [Fact]
    public async Task Sweep_NodeStillAMember_LeavesItsIntentsAlone()
    {
        var nodeB = await StartAsync("node-b", TimeSpan.FromSeconds(30));
        var store = await ConnectAsync();
        var intent = await nodeB.Journal.BeginAsync("endpoint-create", "endpoints/ep-1", None);
        await new GlobalAddressClaims(store, nodeB.Journal).ClaimNextAsync(intent, "pool-3", Pool, None);

        var released = await new IntentSweeper(store).SweepNodeAsync("node-b", onlyIfGone: true, None);

        Assert.Equal(0, released);
        Assert.Single((await store.ListAsync(ClusterKeys.IntentsOf("node-b"), None)).Entries);
        Assert.Single((await store.ListAsync(ClusterKeys.AddressesOf("pool-3"), None)).Entries);
    }

    [Fact]
    public async Task StartAsync_NodeRestartsAfterAKill_SettlesWhatItsPreviousRunLeft()
    {
        var store = await ConnectAsync();
        var previousRun = new GlobalIntentJournal(store, "node-c");
        var intent = await previousRun.BeginAsync("endpoint-create", "endpoints/ep-1", None);
        await new GlobalAddressClaims(store, previousRun).ClaimNextAsync(intent, "pool-4", Pool, None);

        await StartAsync("node-c", TimeSpan.FromSeconds(30));

        Assert.Empty((await store.ListAsync(ClusterKeys.Intents, None)).Entries);
        Assert.Empty((await store.ListAsync(ClusterKeys.Addresses, None)).Entries);
    }

    [Fact]
    public async Task Sweep_TwoLiveNodesSweepTheSameDeadNode_EachClaimReleasedOnceAndNoError()
    {
        var store = await ConnectAsync();
        var other = await ConnectAsync();
        var journal = new GlobalIntentJournal(store, "node-dead");
        var claims = new GlobalAddressClaims(store, journal);
        for (var i = 0; i < 5; i++)
        {
            var intent = await journal.BeginAsync("endpoint-create", $"endpoints/ep-{i}", None);
            await claims.ClaimNextAsync(intent, "pool-5", Pool, None);
            await claims.ClaimNextAsync(intent, "pool-5", Pool, None);
        }

        var released = await Task.WhenAll(
            new IntentSweeper(store).SweepNodeAsync("node-dead", onlyIfGone: true, None),
            new IntentSweeper(other).SweepNodeAsync("node-dead", onlyIfGone: true, None));

        Assert.Equal(10, released.Sum());
        Assert.Empty((await store.ListAsync(ClusterKeys.Addresses, None)).Entries);
        Assert.Empty((await store.ListAsync(ClusterKeys.Intents, None)).Entries);
    }

    [Fact]
    public async Task ClaimNext_TwoNodesConcurrently_EveryAddressClaimedOnce()
    {
        var storeA = await ConnectAsync();
        var storeB = await ConnectAsync();
        async Task<List<IPAddress>> RunAsync(EtcdKeyValueStore store, string node)
        {
            var journal = new GlobalIntentJournal(store, node);
            var claims = new GlobalAddressClaims(store, journal);
            var got = new List<IPAddress>();
            for (var i = 0; i < 20; i++)
            {
                var intent = await journal.BeginAsync("endpoint-create", $"endpoints/{journal.NodeName}-{i}", None);
                got.Add(await claims.ClaimNextAsync(intent, "pool-6", Pool, None));
            }

            return got;
        }

        var both = await Task.WhenAll(
            RunAsync(storeA, "node-a"),
            RunAsync(storeB, "node-b"));

        var all = both.SelectMany(x => x).Select(a => a.ToString()).ToList();
        Assert.Equal(40, all.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(40, (await storeA.ListAsync(ClusterKeys.AddressesOf("pool-6"), None)).Entries.Count);
    }

    // Every claim left is owned: by an open intent that lists it, or by an owner key that names its address.
    private static async Task AssertNothingLeakedAsync(EtcdKeyValueStore store, string poolId)
    {
        var intents = (await store.ListAsync(ClusterKeys.Intents, None)).Entries.Select(e => Encoding.UTF8.GetString(e.Value.Span)).ToList();
        var owners = (await store.ListAsync("endpoints/", None)).Entries.Select(e => Encoding.UTF8.GetString(e.Value.Span)).ToHashSet(StringComparer.Ordinal);
        foreach (var claim in (await store.ListAsync(ClusterKeys.AddressesOf(poolId), None)).Entries)
        {
            var address = claim.Key[ClusterKeys.AddressesOf(poolId).Length..];
            Assert.True(owners.Contains(address) || intents.Any(i => i.Contains(claim.Key, StringComparison.Ordinal)), $"address {address} is claimed and owned by nobody");
        }
    }

    private async Task<ClusterMembership> StartAsync(string name, TimeSpan ttl)
    {
        var store = await ConnectAsync();
        var membership = await ClusterMembership.StartAsync(store,
            new ClusterMembershipOptions { NodeName = name, AdvertiseAddress = "10.9.0.1", LeaseTtl = ttl, RetryDelay = TimeSpan.FromMilliseconds(100) },
            (_, _, _) => Task.CompletedTask, null, None);
        _scratch.Add(membership);
        return membership;
    }

    private Task<EtcdKeyValueStore> ConnectAsync() => _scratch.ConnectAsync();

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(40);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within the deadline");
            await Task.Delay(100);
        }
    }
}
