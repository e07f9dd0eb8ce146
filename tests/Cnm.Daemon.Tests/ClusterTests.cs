using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

namespace Cnm.Daemon.Tests;

/// <summary>
/// Two cnmd nodes on one 3-member etcd cluster (spec/cluster.md): global networks seen on both through the docker CLI,
/// endpoints created on both at once with no address handed out twice, and an etcd member killed meanwhile.
/// </summary>
public sealed class ClusterTests(ClusterFixture cluster, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<ClusterFixture>
{
    private ClusterNode A => cluster.A;

    private ClusterNode B => cluster.B;

    private static async Task<JsonElement> InspectAsync(ClusterNode node, string network)
    {
        var result = await node.Docker.RunAsync("network", "inspect", network);
        Assert.True(result.ExitCode == 0, $"docker network inspect {network} on node {node.Name}: {result}");
        using var document = JsonDocument.Parse(result.Stdout);
        return document.RootElement[0].Clone();
    }

    private static async Task<string> CreateGlobalNetworkAsync(ClusterNode node, string name, string subnet)
    {
        var result = await node.Docker.RunAsync("network", "create", "-d", ClusterNode.GlobalDriver, "--subnet", subnet, name);
        Assert.True(result.ExitCode == 0, $"docker network create {name} on node {node.Name}: {result}\n{node.Daemon.Stderr}");
        return result.Stdout.Trim();
    }

    [Fact]
    public async Task NetworkCreate_OnNodeA_ListedOnNodeBByDockerCli_AndGoneFromBAfterRmOnA()
    {
        var id = await CreateGlobalNetworkAsync(A, "g-seen", "10.66.0.0/24");

        await ClusterNode.WaitUntilAsync(async () => (await B.NetworkNamesAsync()).Contains("g-seen"), "node B lists g-seen");
        var onB = await InspectAsync(B, "g-seen");
        Assert.Equal(id, onB.GetProperty("Id").GetString());
        Assert.Equal("global", onB.GetProperty("Scope").GetString());
        Assert.Equal(ClusterNode.GlobalDriver, onB.GetProperty("Driver").GetString());
        var config = onB.GetProperty("IPAM").GetProperty("Config")[0];
        Assert.Equal("10.66.0.0/24", config.GetProperty("Subnet").GetString());
        Assert.Equal("10.66.0.1", config.GetProperty("Gateway").GetString());

        // B's driver learnt the network before B listed it.
        Assert.Contains(id, B.Global.Networks);
        Assert.Contains($"cnm/v1/networks/{id}", await cluster.EtcdKeysAsync("cnm/v1/networks/"));

        var rm = await A.Docker.RunAsync("network", "rm", "g-seen");
        Assert.True(rm.ExitCode == 0, rm.ToString());
        await ClusterNode.WaitUntilAsync(async () => !(await B.NetworkNamesAsync()).Contains("g-seen"), "node B no longer lists g-seen");
        await ClusterNode.WaitUntilAsync(() => Task.FromResult(!B.Global.Networks.Contains(id)), "B's driver got DeleteNetwork");
        Assert.DoesNotContain($"cnm/v1/networks/{id}", await cluster.EtcdKeysAsync("cnm/v1/networks/"));
        Assert.Empty(await cluster.EtcdKeysAsync(ClusterFixture.AddressesPrefix + "10.66.0.0_24/"));
    }

    [Fact]
    public async Task NetworkCreate_NameTakenOnTheOtherNode_409NamingTheCluster()
    {
        await CreateGlobalNetworkAsync(A, "g-name", "10.67.0.0/24");

        // Even before B has seen it: the name is claimed in etcd.
        var (status, body) = await B.PostAsync("/networks/create", $$"""{"Name":"g-name","Driver":"{{ClusterNode.GlobalDriver}}"}""");
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("g-name", body.GetProperty("message").GetString());

        // The same subnet is reserved in the cluster's GlobalDefault space too.
        var (overlap, overlapBody) = await B.PostAsync("/networks/create",
            $$$"""{"Name":"g-name2","Driver":"{{{ClusterNode.GlobalDriver}}}","IPAM":{"Config":[{"Subnet":"10.67.0.0/24"}]}}""");
        Assert.Equal(HttpStatusCode.Conflict, overlap);
        Assert.Contains("10.67.0.0/24", overlapBody.GetProperty("message").GetString());
        Assert.DoesNotContain("g-name2", await B.NetworkNamesAsync());
    }

    [Fact]
    public async Task EndpointCreate_100OnEachNodeAtOnce_WithAnEtcdMemberKilled_200DistinctAddressesOnBothNodesAndInEtcd()
    {
        var id = await CreateGlobalNetworkAsync(A, "g-200", "10.68.0.0/24");
        await ClusterNode.WaitUntilAsync(async () => (await B.NetworkNamesAsync()).Contains("g-200"), "node B lists g-200");

        var failures = new ConcurrentBag<string>();
        var addresses = new ConcurrentDictionary<string, string>();
        var created = 0;
        async Task CreateAsync(ClusterNode node, int i)
        {
            var name = $"{node.Name}-{i}";
            var (status, body) = await node.PostAsync("/cnm/v1/endpoints", $$"""{"Network":"g-200","Name":"{{name}}"}""");
            if (status != HttpStatusCode.Created)
            {
                failures.Add($"{name}: {status} {body}");
                return;
            }

            addresses[name] = body.GetProperty("Interface").GetProperty("Address").GetString()!;
            Interlocked.Increment(ref created);
        }

        async Task NodeAsync(ClusterNode node)
        {
            using var gate = new SemaphoreSlim(8);
            await Task.WhenAll(Enumerable.Range(0, 100).Select(async i =>
            {
                await gate.WaitAsync();
                try
                {
                    await CreateAsync(node, i);
                }
                finally
                {
                    gate.Release();
                }
            }));
        }

        var both = Task.WhenAll(NodeAsync(A), NodeAsync(B));
        await ClusterNode.WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref created) >= 40 || both.IsCompleted), "40 endpoints are created", TimeSpan.FromSeconds(120));
        var victim = await cluster.Etcd.LeaderAsync();
        cluster.Etcd.Kill(victim);
        await both;

        Assert.True(failures.IsEmpty, string.Join("\n", failures));
        Assert.Equal(200, addresses.Count);
        Assert.Equal(200, addresses.Values.Distinct().Count());
        Assert.DoesNotContain("10.68.0.1/24", addresses.Values);

        foreach (var node in new[] { A, B })
        {
            JsonElement list = default;
            await ClusterNode.WaitUntilAsync(async () =>
            {
                list = await node.GetJsonAsync("/cnm/v1/endpoints?network=g-200");
                return list.GetArrayLength() == 200;
            }, $"node {node.Name} lists the 200 endpoints");
            var seen = list.EnumerateArray().ToDictionary(e => e.GetProperty("Name").GetString()!, e => e.GetProperty("Interface").GetProperty("Address").GetString()!);
            Assert.Equal(addresses.OrderBy(p => p.Key), seen.OrderBy(p => p.Key));
        }

        var taken = await cluster.EtcdKeysAsync(ClusterFixture.AddressesPrefix + "10.68.0.0_24/");
        Assert.Equal(201, taken.Count); // the gateway and the 200
        Assert.Equal(addresses.Values.Select(a => a.Split('/')[0]).Append("10.68.0.1").Order(), taken.Select(k => k[(k.LastIndexOf('/') + 1)..]).Order());
        foreach (var node in new[] { A, B })
        {
            var metrics = await node.Http.GetStringAsync("/metrics");
            Assert.Contains("cnm_cluster_allocations_total{otel_scope_name=\"Cnm.Cluster\",kind=\"address\"}", metrics);
            foreach (var line in metrics.Split('\n').Where(l => l.StartsWith("cnm_cluster_", StringComparison.Ordinal)))
            {
                output.WriteLine($"{node.Name}: {line}");
            }
        }

        Assert.Contains(id, A.Global.Networks);
        await cluster.Etcd.RestartAsync(victim);
    }
}
