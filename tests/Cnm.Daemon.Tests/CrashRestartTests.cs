using System.Net;
using System.Runtime.Versioning;
using System.Text.Json;
using Cnm.Protocol;
using Cnm.Testing;
using static Cnm.Daemon.Tests.NativeEndpointTests;

namespace Cnm.Daemon.Tests;

/// <summary>
/// Issue 5, "kill -9 at every step" and "a plugin that was down during a forced delete", against the real cnmd: the test hook CNM_TEST_CRASH_AFTER makes cnmd kill
/// itself with SIGKILL right after a chosen step, and one test kills cnmd by PID while the plugin holds a call.
/// After a restart (without the hook) cnmd settles the interrupted operation: its intent is gone, what it owed
/// the plugin is delivered, and the plugin (network driver and IPAM) holds exactly what cnmd holds.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class CrashRestartTests : IAsyncLifetime
{
    private const string PluginName = "crashp";
    private readonly DaemonLayout _layout = new("cnmd-crash");
    private RecordingPlugin _plugin = null!;

    private string Socket => _layout.Socket;

    private IEnumerable<string> Args => _layout.Args;

    public async Task InitializeAsync() =>
        _plugin = await RecordingPlugin.StartAsync(Path.Combine(_layout.PluginDir, PluginName + ".sock"));

    public async Task DisposeAsync()
    {
        await _plugin.DisposeAsync();
        _layout.Dispose();
    }

    public static TheoryData<string> Steps() =>
    [
        "network-create:RequestPool#2", "network-create:CreateNetwork#2", // #2: the network "keep" is the first create
        "endpoint-create:RequestAddress", "endpoint-create:CreateEndpoint",
        "join:Join", "leave:commit", "leave:Leave",
        "endpoint-delete:DeleteEndpoint", "network-delete:DeleteNetwork", "network-delete:ReleasePool",
    ];

    [Theory]
    [MemberData(nameof(Steps))]
    public async Task HookKillsCnmdAfterStep_RestartSettlesTheOperation(string step)
    {
        var operation = step.Split(':')[0];
        var reported = step.Split('#')[0];
        using (var daemon = DaemonProcess.Start(Args, new Dictionary<string, string> { ["CNM_TEST_CRASH_AFTER"] = step }))
        {
            await daemon.WaitReadyAsync();
            using var http = DaemonFixture.CreateClient(Socket);
            await PluginNetworkAsync(http, "keep"); // an object that must survive untouched
            await Assert.ThrowsAsync<HttpRequestException>(() => RunUpToAsync(http, operation)); // the connection dies with cnmd
            Assert.NotEqual(0, await daemon.WaitExitAsync(TimeSpan.FromSeconds(20)));
            Assert.Contains($"killing cnmd (SIGKILL) after {reported}", daemon.Stderr, StringComparison.Ordinal);
        }

        using var again = DaemonProcess.Start(Args);
        await again.WaitReadyAsync();
        using var client = DaemonFixture.CreateClient(Socket);
        var df = await SettledAsync(client);
        Assert.Equal(0, df.GetProperty("Intents").GetInt32());
        await AssertPluginAgreesAsync(client);

        var networks = (await GetAsync(client, "/networks")).EnumerateArray().Select(n => n.GetProperty("Name").GetString()).Order().ToList();
        var endpoints = (await GetAsync(client, "/cnm/v1/endpoints")).EnumerateArray().ToList();
        switch (operation)
        {
            case "network-create":
                Assert.Equal(["keep"], networks);
                break;
            case "endpoint-create":
                Assert.Empty(endpoints);
                break;
            case "join":
            case "leave":
                Assert.False(Assert.Single(endpoints).TryGetProperty("Sandbox", out _), $"{operation} must leave e1 unjoined");
                break;
            case "endpoint-delete":
                Assert.Empty(endpoints);
                break;
            default:
                Assert.Equal(["keep"], networks);
                break;
        }

        Assert.Equal(0, await again.TerminateAsync(TimeSpan.FromSeconds(20)));
    }

    public static TheoryData<string> ConnectSteps() =>
        ["connect:RequestAddress", "connect:CreateEndpoint", "connect:Join", "connect:commit"];

    /// <summary>
    /// A connect (Docker's network connect) is one operation with one intent (issue 10 point 2): killed after any of its
    /// steps before the commit, the restart undoes all of it (Leave, DeleteEndpoint, the address release), so neither cnmd
    /// nor the plugin keeps a half-made endpoint; killed after the commit, the connect stands.
    /// </summary>
    [Theory]
    [MemberData(nameof(ConnectSteps))]
    public async Task HookKillsCnmdAfterConnectStep_RestartUndoesOrKeepsTheWholeConnect(string step)
    {
        using (var daemon = DaemonProcess.Start(Args, new Dictionary<string, string> { ["CNM_TEST_CRASH_AFTER"] = step }))
        {
            await daemon.WaitReadyAsync();
            using var http = DaemonFixture.CreateClient(Socket);
            await PluginNetworkAsync(http, "n1");
            await CreateSandboxAsync(http, "c1");
            await Assert.ThrowsAsync<HttpRequestException>(() =>
                SendAsync(http, HttpMethod.Post, "/networks/n1/connect", """{"Container":"c1"}""")); // the connection dies with cnmd
            Assert.NotEqual(0, await daemon.WaitExitAsync(TimeSpan.FromSeconds(20)));
            Assert.Contains($"killing cnmd (SIGKILL) after {step}", daemon.Stderr, StringComparison.Ordinal);
        }

        using var again = DaemonProcess.Start(Args);
        await again.WaitReadyAsync();
        using var client = DaemonFixture.CreateClient(Socket);
        var df = await SettledAsync(client);
        Assert.Equal(0, df.GetProperty("Intents").GetInt32());
        await AssertPluginAgreesAsync(client);
        var endpoints = (await GetAsync(client, "/cnm/v1/endpoints")).EnumerateArray().ToList();
        if (step == "connect:commit")
        {
            Assert.True(Assert.Single(endpoints).TryGetProperty("Sandbox", out _), "a committed connect stays joined");
        }
        else
        {
            Assert.Empty(endpoints);
            Assert.Empty(_plugin.Endpoints);
            Assert.Empty(_plugin.JoinedEndpoints);
            if (step != "connect:RequestAddress")
            {
                Assert.Single(_plugin.CallsTo(PluginMethods.Network.DeleteEndpoint));
            }

            // The sandbox can connect again: the name is free, the address was released.
            await SendAsync(client, HttpMethod.Post, "/networks/n1/connect", """{"Container":"c1"}""");
            await AssertPluginAgreesAsync(client);
        }

        Assert.Equal(0, await again.TerminateAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task Kill9ByPid_WhilePluginHoldsCreateEndpoint_RestartUndoesIt()
    {
        string networkId;
        using (var daemon = DaemonProcess.Start(Args))
        {
            await daemon.WaitReadyAsync();
            using var http = DaemonFixture.CreateClient(Socket);
            networkId = await PluginNetworkAsync(http, "n1");
            var stall = _plugin.Stall(PluginMethods.Network.CreateEndpoint, networkId, TimeSpan.FromSeconds(60));
            var creating = http.PostAsync("/cnm/v1/endpoints", Body("""{"Network":"n1","Name":"e1"}"""));
            await stall.Entered.WaitAsync(TimeSpan.FromSeconds(20));

            await daemon.KillHardAsync(); // kill -9 by PID while the plugin holds the call
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => creating);
            stall.Release(); // the plugin finishes it: now it holds an endpoint that cnmd never committed
            for (var i = 0; i < 200 && _plugin.Endpoints.Count == 0; i++)
            {
                await Task.Delay(50);
            }

            Assert.Single(_plugin.Endpoints);
        }

        using var again = DaemonProcess.Start(Args);
        await again.WaitReadyAsync();
        using var client = DaemonFixture.CreateClient(Socket);
        await SettledAsync(client);

        Assert.Empty((await GetAsync(client, "/cnm/v1/endpoints")).EnumerateArray());
        Assert.Empty(_plugin.Endpoints);
        Assert.Single(_plugin.CallsTo(PluginMethods.Network.DeleteEndpoint));
        await AssertPluginAgreesAsync(client);

        // And the network still works: the same name is free, the released address is handed out again.
        var created = await CreateEndpointAsync(client, """{"Network":"n1","Name":"e1"}""");
        Assert.Equal(networkId, created.GetProperty("Network").GetProperty("Id").GetString());
        await AssertPluginAgreesAsync(client);
    }

    [Fact]
    public async Task ForcedDeletes_WhilePluginDown_DeliveredOnceItIsBack()
    {
        using var daemon = DaemonProcess.Start(Args);
        await daemon.WaitReadyAsync();
        using var http = DaemonFixture.CreateClient(Socket);
        var networkId = await PluginNetworkAsync(http, "n1");
        var endpointId = (await CreateEndpointAsync(http, """{"Network":"n1","Name":"e1"}""")).GetProperty("Id").GetString()!;
        await _plugin.StopAsync(); // its socket goes away
        await WaitForAsync(async () => (await GetAsync(http, "/cnm/v1/plugins/" + PluginName)).GetProperty("State").GetString() == "gone",
            "cnmd to see the plugin gone");

        // Not forced, the delete is refused and changes nothing; forced, it succeeds and the plugin is owed the calls.
        using (var refused = await http.DeleteAsync("/cnm/v1/endpoints/" + endpointId))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        }

        await SendAsync(http, HttpMethod.Delete, $"/cnm/v1/endpoints/{endpointId}?force=true", null);
        await SendAsync(http, HttpMethod.Delete, "/networks/n1?force=true", null);
        Assert.Empty((await GetAsync(http, "/networks")).EnumerateArray());
        Assert.Equal(5, (await GetAsync(http, "/cnm/v1/system/df")).GetProperty("PendingCalls").GetInt32());
        Assert.Empty(_plugin.CallsTo(PluginMethods.Network.DeleteEndpoint));

        _plugin.ClearCalls();
        await _plugin.StartAsync(); // back, with the state it had
        await SettledAsync(http);

        Assert.Equal(endpointId, Assert.Single(_plugin.CallsTo(PluginMethods.Network.DeleteEndpoint)).Text("EndpointID"));
        Assert.Equal(networkId, Assert.Single(_plugin.CallsTo(PluginMethods.Network.DeleteNetwork)).Text("NetworkID"));
        Assert.True(_plugin.Calls.First(c => c.Method == PluginMethods.Network.DeleteEndpoint).Sequence
            < _plugin.Calls.First(c => c.Method == PluginMethods.Network.DeleteNetwork).Sequence, "DeleteEndpoint must come before DeleteNetwork");
        Assert.Empty(_plugin.Networks);
        Assert.Empty(_plugin.Pools);
        Assert.Empty(_plugin.Addresses);
        await AssertPluginAgreesAsync(http);
        Assert.Equal(0, await daemon.TerminateAsync(TimeSpan.FromSeconds(20)));
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out after 15 s waiting for {what}");
            await Task.Delay(50);
        }
    }

    private static async Task<string> PluginNetworkAsync(HttpClient http, string name)
    {
        using var response = await http.PostAsync("/networks/create",
            Body($$$"""{"Name":"{{{name}}}","Driver":"{{{PluginName}}}","IPAM":{"Driver":"{{{PluginName}}}"}}"""));
        return (await ReadAsync(response, HttpStatusCode.Created)).GetProperty("Id").GetString()!;
    }

    /// <summary>The set-up of <paramref name="operation"/> and then the operation itself, which the hook cuts short.</summary>
    private static async Task RunUpToAsync(HttpClient http, string operation)
    {
        if (operation == "network-create")
        {
            await PluginNetworkAsync(http, "n1");
            return;
        }

        await PluginNetworkAsync(http, "n1");
        if (operation == "network-delete")
        {
            await SendAsync(http, HttpMethod.Delete, "/networks/n1", null);
            return;
        }

        var endpoint = operation == "endpoint-create"
            ? null
            : (await CreateEndpointAsync(http, """{"Network":"n1","Name":"e1"}""")).GetProperty("Id").GetString();
        if (endpoint is null)
        {
            await SendAsync(http, HttpMethod.Post, "/cnm/v1/endpoints", """{"Network":"n1","Name":"e1"}""");
            return;
        }

        if (operation == "endpoint-delete")
        {
            await SendAsync(http, HttpMethod.Delete, "/cnm/v1/endpoints/" + endpoint, null);
            return;
        }

        var sandbox = await CreateSandboxAsync(http, "c1");
        await SendAsync(http, HttpMethod.Post, $"/cnm/v1/endpoints/{endpoint}/join", $$"""{"Sandbox":"{{sandbox}}"}""");
        if (operation == "leave")
        {
            await SendAsync(http, HttpMethod.Post, $"/cnm/v1/endpoints/{endpoint}/leave", "{}");
        }
    }

    private static async Task SendAsync(HttpClient http, HttpMethod method, string path, string? body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : Body(body) };
        using var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Waits (generous bound: 15 s) until cnmd owes the plugin nothing; returns the system df answer.</summary>
    private static async Task<JsonElement> SettledAsync(HttpClient http)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var df = await GetAsync(http, "/cnm/v1/system/df");
            if (df.GetProperty("PendingCalls").GetInt32() == 0)
            {
                return df;
            }

            Assert.True(DateTime.UtcNow < deadline, $"cnmd still owes driver calls after 15 s: {df}");
            await Task.Delay(50);
        }
    }

    /// <summary>Every network, endpoint, join, pool and address the plugin holds, cnmd holds too, and the reverse.</summary>
    private async Task AssertPluginAgreesAsync(HttpClient http)
    {
        var networks = (await GetAsync(http, "/networks")).EnumerateArray().Where(n => n.GetProperty("Driver").GetString() == PluginName)
            .Select(n => n.GetProperty("Id").GetString()!).Order(StringComparer.Ordinal).ToList();
        var endpoints = (await GetAsync(http, "/cnm/v1/endpoints")).EnumerateArray().ToList();
        var pools = (await GetAsync(http, "/cnm/v1/ipam/pools")).EnumerateArray().ToList();
        Assert.Equal(networks, _plugin.Networks);
        Assert.Equal(endpoints.Select(e => e.GetProperty("Id").GetString()!).Order(StringComparer.Ordinal), _plugin.Endpoints);
        Assert.Equal(endpoints.Where(e => e.TryGetProperty("Sandbox", out _)).Select(e => e.GetProperty("Id").GetString()!).Order(StringComparer.Ordinal),
            _plugin.JoinedEndpoints);
        Assert.Equal(pools.Select(p => p.GetProperty("PoolId").GetString()!).Order(StringComparer.Ordinal), _plugin.Pools.Keys.Order(StringComparer.Ordinal));
        var addresses = pools.Select(p => p.GetProperty("Gateway").GetString()!.Split('/')[0])
            .Concat(endpoints.Select(e => e.GetProperty("Interface").GetProperty("Address").GetString()!.Split('/')[0]));
        Assert.Equal(addresses.Order(StringComparer.Ordinal), _plugin.Addresses);
    }

    private static async Task<JsonElement> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        return await ReadAsync(response, HttpStatusCode.OK);
    }
}
