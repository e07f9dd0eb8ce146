using System.Net;
using System.Runtime.Versioning;
using System.Text.Json;

namespace Cnm.Daemon.Tests.Linux;

/// <summary>
/// Issue 12's kill -9 at every step on a bridge network: CNM_TEST_CRASH_AFTER kills cnmd (SIGKILL) right after a step
/// of network create, endpoint create, join, leave, endpoint delete or network delete. After a restart (without the
/// hook) and once cnmd owes no driver call, the host namespace holds exactly the bridges and veths the state says: a
/// bridge per network, a host veth end per endpoint, and the peer too for an endpoint that is not joined. A network
/// "keep" made first must survive untouched. Then everything is removed through the API and nothing is left (checked
/// on dispose). Runs with the logging test firewall; the rules' side of restore needs the nftables firewall.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class BridgeCrashRestartTests
{
    public static TheoryData<string> Steps() =>
    [
        "network-create:RequestPool#2", "network-create:CreateNetwork#2", // #2: the network "keep" is the first create
        "endpoint-create:RequestAddress", "endpoint-create:CreateEndpoint",
        "join:Join", "join:AddInterface", "leave:Leave", "leave:RemoveInterface", "leave:commit",
        "endpoint-delete:DeleteEndpoint", "network-delete:DeleteNetwork", "network-delete:commit",
        // (the built-in IPAM's releases come after the commit, untracked: they are no step of their own)
    ];

    [Theory]
    [MemberData(nameof(Steps))]
    public async Task HookKillsCnmdAfterStep_AfterRestartBridgesAndVethsMatchTheState(string step)
    {
        var operation = step.Split(':')[0];
        await using var e2e = await LinuxDaemon.StartAsync(testFirewall: "recording", crashAfter: step);
        await e2e.RunDockerAsync("network", "create", "--subnet", "10.97.0.0/24", "keep");
        await Assert.ThrowsAnyAsync<Exception>(() => RunUpToAsync(e2e, operation)); // the connection dies with cnmd
        Assert.NotEqual(0, await e2e.Daemon.WaitExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains($"killing cnmd (SIGKILL) after {step.Split('#')[0]}", e2e.Daemon.Stderr, StringComparison.Ordinal);
        e2e.Http.Dispose();
        e2e.Daemon.Dispose();

        e2e.CrashAfter = null;
        await e2e.StartDaemonAsync();
        await SettledAsync(e2e.Http);
        var networks = (await GetAsync(e2e.Http, "/networks")).EnumerateArray().ToList();
        var endpoints = (await GetAsync(e2e.Http, "/cnm/v1/endpoints")).EnumerateArray().ToList();
        Assert.Contains(networks, n => n.GetProperty("Name").GetString() == "keep");
        var expected = networks.Select(n => "br-" + n.GetProperty("Id").GetString()![..12])
            .Concat(endpoints.Select(e => "veth" + e.GetProperty("Id").GetString()![..11]))
            .Concat(endpoints.Where(e => !e.TryGetProperty("Sandbox", out _)).Select(e => "vcnm" + e.GetProperty("Id").GetString()![..11]))
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, e2e.HostLinks());

        // What is left works: a join after the restart hands the veth over, and everything can be removed.
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
        await e2e.StopDaemonAsync();
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

        var (sandbox, _) = await e2e.SandboxAsync("crashbox");
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
