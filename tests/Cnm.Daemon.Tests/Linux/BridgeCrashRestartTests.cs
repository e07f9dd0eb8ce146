using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text.Json;

namespace Cnm.Daemon.Tests.Linux;

/// <summary>
/// Issue 12's kill -9 at every step on a bridge network, with cnmd's real nftables firewall in the test's host namespace:
/// CNM_TEST_CRASH_AFTER kills cnmd (SIGKILL) right after a step of network create, endpoint create, join (of a sandbox
/// that publishes a port), leave, endpoint delete or network delete. After a restart (without the hook) and once cnmd
/// owes no driver call, the host namespace matches the state exactly: a bridge per network, a host veth end per endpoint
/// on its network's bridge, the peer too for an endpoint that is not joined; in <c>inet cnm</c> the three chains and
/// the tagged rules of each network and of no other, DNAT rules only for the joined endpoint, on the host port that its
/// inspect shows and that is held again. Then the kernel loses the table and the bridges, and a restart from the state
/// alone makes the same links and the same ruleset. A network "keep" made first must survive untouched. Finally
/// everything is removed through the API and nothing is left: no link, no table (links also checked on dispose).
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class BridgeCrashRestartTests
{
    private const int HostPort = 18080; // in the test's own host namespace: no other test binds there

    /// <summary>
    /// The steps after which the kernel also loses the table and the bridges, one per state a crash ends in: n1 gone,
    /// n1 without endpoints, e1 not joined, e1 joined with its port.
    /// </summary>
    private static readonly HashSet<string> KernelLost = ["network-delete:commit", "endpoint-create:CreateEndpoint", "leave:Leave", "join:commit"];

    public static TheoryData<string> Steps() =>
    [
        "network-create:RequestPool#2", "network-create:CreateNetwork#2", // #2: the network "keep" is the first create
        "endpoint-create:RequestAddress", "endpoint-create:CreateEndpoint",
        "join:Join", "join:AddInterface", "join:ProgramExternalConnectivity", "join:commit",
        "leave:commit", "leave:RevokeExternalConnectivity", "leave:Leave", "leave:RemoveInterface",
        "endpoint-delete:DeleteEndpoint", "network-delete:DeleteNetwork", "network-delete:commit",
        // (the built-in IPAM's releases come after the commit, untracked: they are no step of their own)
    ];

    [Theory]
    [MemberData(nameof(Steps))]
    public async Task HookKillsCnmdAfterStep_AfterRestartBridgesVethsAndRulesMatchTheState(string step)
    {
        var operation = step.Split(':')[0];
        await using var e2e = await LinuxDaemon.StartAsync(crashAfter: step);
        await e2e.GuardAsync(async () =>
        {
            await e2e.RunDockerAsync("network", "create", "--subnet", "10.97.0.0/24", "keep");
            await Assert.ThrowsAnyAsync<Exception>(() => RunUpToAsync(e2e, operation)); // the connection dies with cnmd
            await e2e.WaitCrashedAsync(step.Split('#')[0]);

            await e2e.StartDaemonAsync();
            await SettledAsync(e2e.Http);
            var (networks, endpoints) = await AssertHostMatchesStateAsync(e2e);
            if (step is "join:commit")
            {
                await e2e.Daemon.WaitForOutputAsync("restore: held the 1 published host ports of endpoint ", TimeSpan.FromSeconds(30));
            }
            else if (step is "join:ProgramExternalConnectivity")
            {
                await e2e.Daemon.WaitForOutputAsync("restore: removed the published-port rules of endpoint ", TimeSpan.FromSeconds(30));
            }

            var rules = (await HostRuleset.ReadAsync(e2e.HostNs)).Rules;

            // The kernel loses the table and every bridge (the veths lose their master): a restart makes them again from the
            // state alone, and they are the ones the restart after the crash made. Once per state a crash can end in.
            if (KernelLost.Contains(step))
            {
                await LoseKernelAndRestartAsync(e2e, rules);
            }

            // What is left works, and everything can be removed.
            foreach (var endpoint in endpoints)
            {
                var id = endpoint.GetProperty("Id").GetString()!;
                if (endpoint.TryGetProperty("Sandbox", out _))
                {
                    await SendAsync(e2e.Http, HttpMethod.Post, $"/cnm/v1/endpoints/{id}/leave", "{}");
                }

                await SendAsync(e2e.Http, HttpMethod.Delete, $"/cnm/v1/endpoints/{id}", null);
            }

            foreach (var sandbox in (await GetAsync(e2e.Http, "/cnm/v1/sandboxes")).EnumerateArray())
            {
                await SendAsync(e2e.Http, HttpMethod.Delete, $"/cnm/v1/sandboxes/{sandbox.GetProperty("Id").GetString()}", null);
            }

            foreach (var network in networks)
            {
                await SendAsync(e2e.Http, HttpMethod.Delete, $"/networks/{network.GetProperty("Id").GetString()}", null);
            }

            Assert.Empty(e2e.HostLinks());
            Assert.Empty((await HostRuleset.ReadAsync(e2e.HostNs)).Tables);
            Assert.Equal(SocketError.Success, await BridgeEndToEndTests.TryBindAsync(e2e.HostNs, HostPort));
            await e2e.StopDaemonAsync();
        });
    }

    [Fact]
    public async Task Restart_HostPortTakenWhileDown_ErrorLoggedAndNoDnatRuleLeft()
    {
        await using var e2e = await LinuxDaemon.StartAsync();
        await e2e.GuardAsync(async () =>
        {
            await e2e.RunDockerAsync("network", "create", "--subnet", "10.98.0.0/24", "n1");
            var (sandbox, _) = await BridgeEndToEndTests.SandboxWithPortAsync(e2e, "portbox", HostPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await e2e.RunDockerAsync("network", "connect", "n1", "portbox");
            var endpoint = (await e2e.EndpointAsync(sandbox, "n1")).GetProperty("Id").GetString()!;
            Assert.Equal([endpoint], (await HostRuleset.ReadAsync(e2e.HostNs)).Endpoints);
            await e2e.StopDaemonAsync();

            // While cnmd is down, another program takes the host port: the restart must not DNAT that port to the sandbox.
            using (var holder = await Cnm.Linux.Namespaces.NetnsThread.RunAsync(e2e.HostNs, () =>
                   {
                       var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                       socket.Bind(new IPEndPoint(IPAddress.Any, HostPort));
                       socket.Listen(1);
                       return socket;
                   }, CancellationToken.None))
            {
                await e2e.StartDaemonAsync();
                await e2e.Daemon.WaitForOutputAsync($"restore: could not publish the ports of endpoint {endpoint} again", TimeSpan.FromSeconds(30));
                var ruleset = await HostRuleset.ReadAsync(e2e.HostNs);
                Assert.Empty(ruleset.Endpoints);
                Assert.Single(ruleset.Networks); // the network's own rules stay
            }

            await e2e.RunDockerAsync("network", "disconnect", "n1", "portbox");
            await BridgeEndToEndTests.DeleteSandboxesAsync(e2e, sandbox);
            await e2e.RunDockerAsync("network", "rm", "n1");
            Assert.Empty(e2e.HostLinks());
            Assert.Empty((await HostRuleset.ReadAsync(e2e.HostNs)).Tables);
            await e2e.StopDaemonAsync();
        });
    }

    private static async Task LoseKernelAndRestartAsync(LinuxDaemon e2e, List<string> rules)
    {
        await e2e.StopDaemonAsync();
        await HostRuleset.NftAsync(e2e.HostNs, "delete", "table", "inet", "cnm");
        foreach (var bridge in e2e.Host.GetLinks().Where(l => l.Kind == "bridge"))
        {
            e2e.Host.DeleteLink(bridge.Index);
        }

        await e2e.StartDaemonAsync();
        await SettledAsync(e2e.Http);
        await AssertHostMatchesStateAsync(e2e);
        Assert.Equal(rules, (await HostRuleset.ReadAsync(e2e.HostNs)).Rules);
        await e2e.Daemon.WaitForOutputAsync("restore: bridge br-", TimeSpan.FromSeconds(30)); // the repair is logged
    }

    /// <summary>Links, veth masters, the ruleset and the held host port against the state cnmd serves; returns that state.</summary>
    private static async Task<(List<JsonElement> Networks, List<JsonElement> Endpoints)> AssertHostMatchesStateAsync(LinuxDaemon e2e)
    {
        var networks = (await GetAsync(e2e.Http, "/networks")).EnumerateArray().ToList();
        var endpoints = (await GetAsync(e2e.Http, "/cnm/v1/endpoints")).EnumerateArray().ToList();
        Assert.Contains(networks, n => n.GetProperty("Name").GetString() == "keep");
        var networkIds = networks.Select(n => n.GetProperty("Id").GetString()!).Order(StringComparer.Ordinal).ToList();
        var joined = endpoints.Where(e => e.TryGetProperty("Sandbox", out _)).Select(e => e.GetProperty("Id").GetString()!).ToList();
        var expected = networkIds.Select(id => "br-" + id[..12])
            .Concat(endpoints.Select(e => "veth" + e.GetProperty("Id").GetString()![..11]))
            .Concat(endpoints.Where(e => !e.TryGetProperty("Sandbox", out _)).Select(e => "vcnm" + e.GetProperty("Id").GetString()![..11]))
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, e2e.HostLinks());
        foreach (var endpoint in endpoints)
        {
            var bridge = e2e.Host.GetLink("br-" + endpoint.GetProperty("Network").GetProperty("Id").GetString()![..12]);
            Assert.Equal(bridge.Index, e2e.Host.GetLink("veth" + endpoint.GetProperty("Id").GetString()![..11]).MasterIndex);
        }

        var ruleset = await HostRuleset.ReadAsync(e2e.HostNs);
        Assert.Equal(["inet cnm"], ruleset.Tables);
        Assert.Equal(new[] { "forward", "output", "postrouting", "prerouting" }
            .Concat(networkIds.SelectMany(id => new[] { "dnat-" + id, "nat-" + id, "net-" + id })).Order(StringComparer.Ordinal), ruleset.Chains);
        Assert.Equal(networkIds, ruleset.Networks);
        Assert.Equal(joined.Order(StringComparer.Ordinal), ruleset.Endpoints); // only the joined endpoint publishes
        foreach (var id in joined)
        {
            var portmap = (await GetAsync(e2e.Http, "/cnm/v1/endpoints/" + id)).GetProperty("DriverInfo").GetProperty("com.docker.network.portmap");
            Assert.Equal(HostPort, Assert.Single(portmap.EnumerateArray()).GetProperty("HostPort").GetInt32());
            Assert.Equal([$"tcp/{HostPort}/*"], ruleset.MapsOf(id));
        }

        Assert.Equal(joined.Count == 0 ? SocketError.Success : SocketError.AddressAlreadyInUse, await BridgeEndToEndTests.TryBindAsync(e2e.HostNs, HostPort));
        return (networks, endpoints);
    }

    private static async Task RunUpToAsync(LinuxDaemon e2e, string operation)
    {
        await SendAsync(e2e.Http, HttpMethod.Post, "/networks/create", """{"Name":"n1","Driver":"bridge","IPAM":{"Config":[{"Subnet":"10.98.0.0/24"}]}}""");
        if (operation == "network-create")
        {
            return;
        }

        if (operation == "network-delete")
        {
            await SendAsync(e2e.Http, HttpMethod.Delete, "/networks/n1", null);
            return;
        }

        if (operation == "endpoint-create")
        {
            await SendAsync(e2e.Http, HttpMethod.Post, "/cnm/v1/endpoints", """{"Network":"n1","Name":"e1"}""");
            return;
        }

        using var created = await e2e.Http.PostAsync("/cnm/v1/endpoints", NativeEndpointTests.Body("""{"Network":"n1","Name":"e1"}"""));
        var endpoint = (await NativeEndpointTests.ReadAsync(created, HttpStatusCode.Created)).GetProperty("Id").GetString()!;
        if (operation == "endpoint-delete")
        {
            await SendAsync(e2e.Http, HttpMethod.Delete, "/cnm/v1/endpoints/" + endpoint, null);
            return;
        }

        var (sandbox, _) = await BridgeEndToEndTests.SandboxWithPortAsync(e2e, "crashbox", HostPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await SendAsync(e2e.Http, HttpMethod.Post, $"/cnm/v1/endpoints/{endpoint}/join", $$"""{"Sandbox":"{{sandbox}}"}""");
        if (operation == "leave")
        {
            await SendAsync(e2e.Http, HttpMethod.Post, $"/cnm/v1/endpoints/{endpoint}/leave", "{}");
        }
    }

    private static async Task SendAsync(HttpClient http, HttpMethod method, string path, string? body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : NativeEndpointTests.Body(body) };
        using var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<JsonElement> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        return await NativeEndpointTests.ReadAsync(response, HttpStatusCode.OK);
    }

    /// <summary>Waits (generous bound: 30 s) until cnmd owes no driver call.</summary>
    private static async Task SettledAsync(HttpClient http)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await GetAsync(http, "/cnm/v1/system/df")).GetProperty("PendingCalls").GetInt32() != 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "cnmd still owes driver calls after 30 s");
            await Task.Delay(50);
        }
    }
}
