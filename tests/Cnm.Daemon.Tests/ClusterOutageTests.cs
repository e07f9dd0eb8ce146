using System.Diagnostics;
using System.Net;

namespace Cnm.Daemon.Tests;

/// <summary>
/// A cnmd node whose etcd goes away and comes back (spec/cluster.md, "Outage"): global operations get 503 at once, naming
/// the store; local ones go on; global ones work again by themselves once etcd is back. Its own one-member etcd.
/// </summary>
public sealed class ClusterOutageTests : IAsyncLifetime
{
    private EtcdCluster _etcd = null!;
    private ClusterNode _node = null!;

    public async Task InitializeAsync()
    {
        _etcd = await EtcdCluster.StartAsync(1);
        _node = await ClusterNode.StartAsync("node-o", _etcd.Endpoints);
    }

    public async Task DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.DisposeAsync();
        }

        _etcd?.Dispose();
    }

    private Task<(HttpStatusCode Status, System.Text.Json.JsonElement Body)> CreateNetworkAsync(string name, string driver) =>
        _node.PostAsync("/networks/create", $$"""{"Name":"{{name}}","Driver":"{{driver}}"}""");

    private Task<(HttpStatusCode Status, System.Text.Json.JsonElement Body)> CreateEndpointAsync(string network, string name) =>
        _node.PostAsync("/cnm/v1/endpoints", $$"""{"Network":"{{network}}","Name":"{{name}}"}""");

    [Fact]
    public async Task EtcdDown_GlobalOperations503AtOnceNamingTheStore_LocalOnesWork_GlobalOnesRecoverWhenItIsBack()
    {
        Assert.Equal(HttpStatusCode.Created, (await CreateNetworkAsync("g-out", ClusterNode.GlobalDriver)).Status);
        Assert.Equal(HttpStatusCode.Created, (await CreateNetworkAsync("l-out", ClusterNode.LocalDriver)).Status);
        var member = _etcd.Members[0];
        _etcd.Kill(member);

        // The first global operation finds etcd gone within the client's budget; the ones after it fail at once.
        var (first, firstBody) = await CreateEndpointAsync("g-out", "g-ep1");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, first);
        Assert.Contains(_etcd.Endpoints, firstBody.GetProperty("message").GetString());
        foreach (var attempt in new Func<Task<(HttpStatusCode, System.Text.Json.JsonElement)>>[]
        {
            () => CreateEndpointAsync("g-out", "g-ep2"),
            () => CreateNetworkAsync("g-out2", ClusterNode.GlobalDriver),
        })
        {
            var watch = Stopwatch.StartNew();
            var (status, body) = await attempt();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.Contains(_etcd.Endpoints, body.GetProperty("message").GetString());
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"a global operation with etcd known down took {watch.Elapsed}, not at once");
        }

        // Local state is the node's own: a local network and its endpoints work on.
        var (local, localBody) = await CreateEndpointAsync("l-out", "l-ep1");
        Assert.True(local == HttpStatusCode.Created, localBody.ToString());
        Assert.Equal(HttpStatusCode.Created, (await CreateNetworkAsync("l-out2", ClusterNode.LocalDriver)).Status);
        Assert.Contains("g-out", await _node.NetworkNamesAsync());

        await _etcd.RestartAsync(member);
        HttpStatusCode again = default;
        await ClusterNode.WaitUntilAsync(async () => (again = (await CreateEndpointAsync("g-out", "g-ep3")).Status) == HttpStatusCode.Created,
            "a global endpoint can be created again after etcd is back", TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.Created, (await CreateNetworkAsync("g-out3", ClusterNode.GlobalDriver)).Status);
        Assert.DoesNotContain("g-out2", await _node.NetworkNamesAsync());
    }
}
