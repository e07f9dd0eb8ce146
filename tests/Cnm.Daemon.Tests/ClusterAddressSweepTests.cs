using System.Net;
using System.Text.Json;

namespace Cnm.Daemon.Tests;

/// <summary>
/// No address is leaked by a node killed with SIGKILL mid-allocation (spec/cluster.md, "Addresses of a dead node"): node B dies
/// right after it took an endpoint's address in etcd (<c>CNM_TEST_CRASH_AFTER=endpoint-create:RequestAddress</c>), before the
/// endpoint is committed. Afterwards the address keys in etcd are exactly the network's gateway and the endpoints' addresses,
/// once A's sweep has run after B's lease expired, or once B has started again. Its own one-member etcd per test.
/// </summary>
public sealed class ClusterAddressSweepTests : IAsyncLifetime
{
    private const string Subnet = "10.79.0.0/24";
    private const string Gateway = "10.79.0.1";
    private const string Network = "g-sweep";

    private EtcdCluster? _etcd;
    private ClusterNode? _a;
    private ClusterNode? _b;

    [Fact]
    public async Task NodeKilledAfterRequestAddress_SweptByOtherNodeOnceLeaseExpires_AddressKeysAreExactlyGatewayAndEndpoints()
    {
        const int ttl = 3;
        var (a, b) = await StartAsync("sw1", ttl);
        await CrashBWhileCreatingEndpointAsync(a, b, checkLeak: false);

        // B's lease expires within the TTL; A's sweep then frees the address. The bound is generous.
        await ClusterNode.WaitUntilAsync(async () => await AddressesMatchRecordsAsync(a), "etcd's address keys are exactly the gateway and the endpoints",
            TimeSpan.FromSeconds(ttl + 20));
        await a.Daemon.WaitForOutputAsync($"Cluster sweep of node {b.Name}: released 1 address(es)", TimeSpan.FromSeconds(30));
        Assert.Equal(2, (await AddressKeysAsync()).Count); // the gateway and A's endpoint
    }

    [Fact]
    public async Task NodeKilledAfterRequestAddress_RestartedBeforeLeaseExpires_ItsOwnStartFreesTheAddress()
    {
        // A long TTL, so that A does not see B gone before B is back: B's own start must settle it.
        var (a, b) = await StartAsync("sw2", 60);
        await CrashBWhileCreatingEndpointAsync(a, b, checkLeak: true);

        await b.RestartAsync();

        await b.Daemon.WaitForOutputAsync($"Cluster sweep of node {b.Name}: released 1 address(es)", TimeSpan.FromSeconds(30));
        await ClusterNode.WaitUntilAsync(async () => await AddressesMatchRecordsAsync(a), "etcd's address keys are exactly the gateway and the endpoints");
        Assert.Equal(2, (await AddressKeysAsync()).Count); // the gateway and A's endpoint
        Assert.DoesNotContain($"Cluster sweep of node {b.Name}: released", a.Daemon.Stderr);

        // B serves again, and its next endpoint gets a free address.
        var (status, body) = await b.PostAsync("/cnm/v1/endpoints", $$"""{"Network":"{{Network}}","Name":"b-again"}""");
        Assert.True(status == HttpStatusCode.Created,
            $"endpoint on B after restart: {status} {body}; B's log: {string.Join(" / ", b.Daemon.Stderr.Split('\n').TakeLast(40))}");
        await ClusterNode.WaitUntilAsync(async () => await AddressesMatchRecordsAsync(a), "etcd's address keys are exactly the gateway and the endpoints");
        Assert.Equal(3, (await AddressKeysAsync()).Count);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Stops both cnmd processes and etcd, also when the test failed.</summary>
    public async Task DisposeAsync()
    {
        if (_b is not null)
        {
            await _b.DisposeAsync();
        }

        if (_a is not null)
        {
            await _a.DisposeAsync();
        }

        _etcd?.Dispose();
    }

    private async Task<(ClusterNode A, ClusterNode B)> StartAsync(string prefix, int ttl)
    {
        _etcd = await EtcdCluster.StartAsync(1);
        string[] args = ["--cluster-lease-ttl", ttl.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        _a = await ClusterNode.StartAsync(prefix + "-a", _etcd.Endpoints, "127.0.0.1", args);
        _b = await ClusterNode.StartAsync(prefix + "-b", _etcd.Endpoints, "127.0.0.2", args,
            new Dictionary<string, string> { ["CNM_TEST_CRASH_AFTER"] = "endpoint-create:RequestAddress" });
        var (status, body) = await _a.PostAsync("/networks/create",
            $$$"""{"Name":"{{{Network}}}","Driver":"{{{ClusterNode.GlobalDriver}}}","IPAM":{"Config":[{"Subnet":"{{{Subnet}}}","Gateway":"{{{Gateway}}}"}]}}""");
        Assert.True(status == HttpStatusCode.Created, $"network create on A: {status} {body}");
        await ClusterNode.WaitUntilAsync(async () => (await _b.NetworkNamesAsync()).Contains(Network), "node B lists the network");
        return (_a, _b);
    }

    /// <summary>
    /// A creates an endpoint; B dies by SIGKILL right after taking the address of its first one, before committing it. With
    /// <paramref name="checkLeak"/> (a TTL long enough that no sweep can have run yet), B's address is checked to be in etcd, held by no record.
    /// </summary>
    private async Task CrashBWhileCreatingEndpointAsync(ClusterNode a, ClusterNode b, bool checkLeak)
    {
        var (status, body) = await a.PostAsync("/cnm/v1/endpoints", $$"""{"Network":"{{Network}}","Name":"a-1"}""");
        Assert.True(status == HttpStatusCode.Created, $"endpoint on A: {status} {body}");
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => b.PostAsync("/cnm/v1/endpoints", $$"""{"Network":"{{Network}}","Name":"b-1"}"""));
        await b.Daemon.WaitExitAsync(TimeSpan.FromSeconds(30));
        await b.Daemon.WaitForOutputAsync("killing cnmd (SIGKILL) after endpoint-create:RequestAddress", TimeSpan.FromSeconds(10));

        if (!checkLeak)
        {
            return;
        }

        // The leak the sweep must settle: the gateway, A's endpoint, and B's address that no endpoint holds.
        var keys = await AddressKeysAsync();
        Assert.True(keys.Count == 3, $"address keys after B died: {string.Join(", ", keys)}; B's log: {string.Join(" / ", b.Daemon.Stderr.Split('\n').TakeLast(25))}");
        Assert.False(await AddressesMatchRecordsAsync(a), "B's address is held by no record before the sweep");
    }

    private Task<List<string>> AddressKeysAsync() =>
        ClusterFixture.EtcdKeysAsync(_etcd!, ClusterFixture.AddressesPrefix + Subnet.Replace('/', '_') + "/");

    /// <summary>True when the address keys are exactly the gateway and the addresses of the endpoints node <paramref name="node"/> lists.</summary>
    private async Task<bool> AddressesMatchRecordsAsync(ClusterNode node)
    {
        var endpoints = await node.GetJsonAsync($"/cnm/v1/endpoints?network={Network}");
        var held = endpoints.EnumerateArray().Select(e => e.GetProperty("Interface").GetProperty("Address").GetString()!.Split('/')[0])
            .Append(Gateway).Order().ToList();
        var taken = (await AddressKeysAsync()).Select(k => k[(k.LastIndexOf('/') + 1)..]).Order().ToList();
        return held.SequenceEqual(taken);
    }
}
