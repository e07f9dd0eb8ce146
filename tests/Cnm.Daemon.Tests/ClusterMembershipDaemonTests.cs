using System.Text.Json;

namespace Cnm.Daemon.Tests;

/// <summary>
/// Membership through cnmd (spec/cluster.md, "Membership"): two cnmd nodes on a one-member etcd, each with a global-scope
/// recording plugin, and a short lease TTL (<c>--cluster-lease-ttl 3</c>). Node A's driver hears of both nodes, and of B
/// leaving when B stops cleanly or is killed with SIGKILL.
/// </summary>
public sealed class ClusterMembershipDaemonTests : IAsyncLifetime
{
    private const int LeaseTtlSeconds = 3;
    private const string AddressA = "127.0.0.1";
    private const string AddressB = "127.0.0.2";

    private EtcdCluster _etcd = null!;
    private ClusterNode _a = null!;
    private ClusterNode _b = null!;

    public async Task InitializeAsync()
    {
        _etcd = await EtcdCluster.StartAsync(1);
        string[] ttl = ["--cluster-lease-ttl", LeaseTtlSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        _a = await ClusterNode.StartAsync("member-a", _etcd.Endpoints, AddressA, ttl);
        _b = await ClusterNode.StartAsync("member-b", _etcd.Endpoints, AddressB, ttl);

        // Remote drivers are activated when first used: a global network created on A activates A's gdrv, and B's once B
        // adopts the network from etcd. A driver activated then hears of every node known at that moment.
        var (status, body) = await _a.PostAsync("/networks/create", $$"""{"Name":"members","Driver":"{{ClusterNode.GlobalDriver}}"}""");
        Assert.True(status == System.Net.HttpStatusCode.Created, $"create on A: {status} {body}");
        await ClusterNode.WaitUntilAsync(async () => (await _b.NetworkNamesAsync()).Contains("members"), "node B lists the network");
    }

    [Fact]
    public async Task TwoNodes_DriverOfA_GetsDiscoverNewForBothAndDiscoverDeleteForBOnCleanStop()
    {
        await WaitForDiscoveryAsync(_a, "NetworkDriver.DiscoverNew", AddressB, self: false, TimeSpan.FromSeconds(30));
        await WaitForDiscoveryAsync(_a, "NetworkDriver.DiscoverNew", AddressA, self: true, TimeSpan.FromSeconds(30));
        Assert.Empty(Discoveries(_a, "NetworkDriver.DiscoverDelete", AddressB, self: false));

        Assert.Equal(0, await _b.Daemon.TerminateAsync(TimeSpan.FromSeconds(30)));

        // A clean stop revokes the lease: B is gone at once, well before its TTL would run out.
        await WaitForDiscoveryAsync(_a, "NetworkDriver.DiscoverDelete", AddressB, self: false, TimeSpan.FromSeconds(10));
        Assert.Empty(Discoveries(_a, "NetworkDriver.DiscoverDelete", AddressA, self: true));
    }

    [Fact]
    public async Task NodeKilledHard_DriverOfA_GetsDiscoverDeleteForBWithinLeaseTtl()
    {
        await WaitForDiscoveryAsync(_a, "NetworkDriver.DiscoverNew", AddressB, self: false, TimeSpan.FromSeconds(30));

        await _b.Daemon.KillHardAsync();

        // Nothing revokes the lease: B is gone once it expires (TTL after its last renewal); the bound is generous.
        await WaitForDiscoveryAsync(_a, "NetworkDriver.DiscoverDelete", AddressB, self: false, TimeSpan.FromSeconds(LeaseTtlSeconds + 10));
        Assert.Empty(Discoveries(_a, "NetworkDriver.DiscoverDelete", AddressA, self: true));
    }

    [Fact]
    public async Task DriverOfB_GetsDiscoverNewForA()
    {
        await WaitForDiscoveryAsync(_b, "NetworkDriver.DiscoverNew", AddressA, self: false, TimeSpan.FromSeconds(30));
        await WaitForDiscoveryAsync(_b, "NetworkDriver.DiscoverNew", AddressB, self: true, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task NodeWithoutAdvertiseAddr_ServesWithAWarningNamingTheFlag_AndIsNoMember()
    {
        using var layout = new DaemonLayout("cnm-cluster-noadv");
        using var daemon = DaemonProcess.Start([.. layout.Args, "--sandbox", "memory", "--cluster-store", _etcd.Endpoints, "--node-name", "member-c"]);
        await daemon.WaitReadyAsync(TimeSpan.FromSeconds(60));
        await daemon.WaitForOutputAsync("--cluster-store without --advertise-addr", TimeSpan.FromSeconds(30));

        // The warning is logged once membership would have started: C never registered itself.
        Assert.DoesNotContain("is a member (this node)", daemon.Stderr);
    }

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

    private static async Task WaitForDiscoveryAsync(ClusterNode node, string method, string address, bool self, TimeSpan timeout) =>
        await ClusterNode.WaitUntilAsync(() => Task.FromResult(Discoveries(node, method, address, self).Count > 0),
            $"node {node.Name}'s global driver gets {method} for {address} (Self {self}); log: {string.Join(" / ", node.Daemon.Stderr.Split('\n').Where(l => l.Contains("node", StringComparison.OrdinalIgnoreCase) || l.Contains("member", StringComparison.OrdinalIgnoreCase) || l.Contains("iscover", StringComparison.Ordinal)).TakeLast(30))}; calls so far: {string.Join(" | ", node.Global.Calls.Where(c => c.Method.StartsWith("NetworkDriver.Discover", StringComparison.Ordinal)).Select(c => c.Method + " " + c.Body))}",
            timeout);

    /// <summary>The node-discovery calls (type 1) of <paramref name="method"/> for <paramref name="address"/> with that <c>Self</c>.</summary>
    private static List<JsonElement> Discoveries(ClusterNode node, string method, string address, bool self) =>
        [.. node.Global.CallsTo(method).Select(c => JsonDocument.Parse(c.Body).RootElement.Clone()).Where(body =>
            body.GetProperty("DiscoveryType").GetInt32() == 1
            && body.GetProperty("DiscoveryData").GetProperty("Address").GetString() == address
            && body.GetProperty("DiscoveryData").GetProperty("Self").GetBoolean() == self)];
}
