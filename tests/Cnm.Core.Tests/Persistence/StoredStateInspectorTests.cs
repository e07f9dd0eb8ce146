using System.Text;
using Cnm.Core.Control;
using Cnm.Core.Drivers.BuiltIn;
using Cnm.Core.Model;
using Cnm.Core.Persistence;
using Cnm.Core.Store;

namespace Cnm.Core.Tests.Persistence;

/// <summary>The decoding behind <c>cnmd --check</c> and <c>cnm system df</c>: counts, and each bad record named.</summary>
public sealed class StoredStateInspectorTests
{
    [Fact]
    public async Task InspectAsync_ControllerState_CountsEveryObject_NoProblems()
    {
        var store = await StoreWithStateAsync();

        var summary = await StoredStateInspector.InspectAsync(store, CancellationToken.None);

        Assert.Empty(summary.Problems);
        Assert.Equal((1, 2, 1), (summary.Networks, summary.Endpoints, summary.Sandboxes));
        Assert.Equal(store.Revision, summary.Revision);
    }

    [Fact]
    public async Task InspectAsync_BadRecords_EachNamedByKey_GoodOnesStillCounted()
    {
        var store = await StoreWithStateAsync();
        var network = (await store.ListAsync(StateKeys.Networks, CancellationToken.None)).Entries.Single();
        var sandbox = (await store.ListAsync(StateKeys.Sandboxes, CancellationToken.None)).Entries.Single();
        await store.CommitAsync(new StoreTransaction()
            .Put("cnm/v1/networks/bad", Encoding.UTF8.GetBytes("{not json"))
            .Put("cnm/v1/networks/other", network.Value)
            .Delete(sandbox.Key), CancellationToken.None);

        var summary = await StoredStateInspector.InspectAsync(store, CancellationToken.None);

        Assert.Equal((1, 2, 0), (summary.Networks, summary.Endpoints, summary.Sandboxes));
        Assert.Contains(summary.Problems, p => p.StartsWith("store record cnm/v1/networks/bad is unreadable:", StringComparison.Ordinal));
        Assert.Contains(summary.Problems, p => p.StartsWith("store record cnm/v1/networks/other holds id ", StringComparison.Ordinal));
        Assert.Contains(summary.Problems, p => p.EndsWith($"names sandbox {sandbox.Key[StateKeys.Sandboxes.Length..]}, which is not stored", StringComparison.Ordinal));
        Assert.Equal(3, summary.Problems.Count);
    }

    [Fact]
    public async Task ReadAsync_ManyRecords_DecodedInKeyOrder_ProblemsInKeyOrder_GroupedByNetwork()
    {
        // Over the parallel-decode threshold: 600 endpoints on two networks, two bad records, one unknown key.
        var store = new InMemoryKeyValueStore();
        var controller = await Controller.CreateAsync(new ControllerOptions { Store = store }, [new BuiltInDriverModule()]);
        var a = await controller.CreateNetworkAsync(new NetworkCreateOptions { Name = "a", Driver = "null" }, CancellationToken.None);
        var b = await controller.CreateNetworkAsync(new NetworkCreateOptions { Name = "b", Driver = "host" }, CancellationToken.None);
        for (var i = 0; i < 600; i++)
        {
            await controller.CreateEndpointAsync((i % 3 == 0 ? a : b).Id, new EndpointCreateOptions { Name = $"e{i}" }, CancellationToken.None);
        }

        await store.CommitAsync(new StoreTransaction()
            .Put("cnm/v1/endpoints/zz-bad", Encoding.UTF8.GetBytes("{not json"))
            .Put("cnm/v1/endpoints/00-bad", Encoding.UTF8.GetBytes("[]"))
            .Put("cnm/v1/later/thing", Encoding.UTF8.GetBytes("{}")), CancellationToken.None);

        var state = await StoredStateInspector.ReadAsync(store, CancellationToken.None);

        var keys = (await store.ListAsync(StateKeys.Endpoints, CancellationToken.None)).Entries.Select(e => e.Key).ToList();
        Assert.Equal(keys.Where(k => !k.EndsWith("-bad", StringComparison.Ordinal)), state.Endpoints.Select(e => StateKeys.Endpoint(e.Id)));
        Assert.Equal(2, state.Problems.Count);
        Assert.StartsWith("store record cnm/v1/endpoints/00-bad ", state.Problems[0], StringComparison.Ordinal);
        Assert.StartsWith("store record cnm/v1/endpoints/zz-bad ", state.Problems[1], StringComparison.Ordinal);
        Assert.Equal(["cnm/v1/later/thing"], state.UnknownKeys);
        Assert.Equal(200, state.EndpointsByNetwork[a.Id].Count());
        Assert.Equal(state.Endpoints.Where(e => e.NetworkId == b.Id), state.EndpointsByNetwork[b.Id]);
    }

    private static async Task<InMemoryKeyValueStore> StoreWithStateAsync()
    {
        var store = new InMemoryKeyValueStore();
        var controller = await Controller.CreateAsync(new ControllerOptions { Store = store }, [new BuiltInDriverModule()]);
        var network = await controller.CreateNetworkAsync(new NetworkCreateOptions { Name = "n", Driver = "null" }, CancellationToken.None);
        var ep1 = await controller.CreateEndpointAsync(network.Id, new EndpointCreateOptions { Name = "e1" }, CancellationToken.None);
        await controller.CreateEndpointAsync(network.Id, new EndpointCreateOptions { Name = "e2" }, CancellationToken.None);
        var sandbox = await controller.CreateSandboxAsync(new SandboxCreateOptions { ContainerId = "c1" }, CancellationToken.None);
        await controller.JoinAsync(ep1.Id, sandbox.Id, CancellationToken.None);
        return store;
    }
}
