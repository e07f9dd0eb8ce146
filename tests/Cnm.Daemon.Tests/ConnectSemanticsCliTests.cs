using System.Net;
using System.Text;
using System.Text.Json;
using Cnm.Protocol;
using Cnm.Testing;

namespace Cnm.Daemon.Tests;

/// <summary>
/// Issue 9 through the real docker CLI against a cnmd of its own, with recording plugins: sandbox delete deletes its
/// endpoints, the port lists reach Join, and the points of section 7 (disconnect -f, disconnect on a waiting network,
/// a static address or subnet on a null network, a Join without an interface), plus the refusal of a global-scope driver.
/// </summary>
public sealed class ConnectSemanticsCliTests : IAsyncLifetime
{
    private const string Rec = "recp";
    private const string Global = "globp";

    private readonly DaemonLayout _layout = new("cnmd-connect");
    private RecordingPlugin _plugin = null!;
    private RecordingPlugin _global = null!;
    private DaemonProcess _daemon = null!;
    private HttpClient _http = null!;
    private DockerCli _docker = null!;

    public async Task InitializeAsync()
    {
        _plugin = await RecordingPlugin.StartAsync(Path.Combine(_layout.PluginDir, Rec + ".sock"));
        _global = await RecordingPlugin.StartAsync(Path.Combine(_layout.PluginDir, Global + ".sock"), p => p.Scope = "global");
        _daemon = DaemonProcess.Start(_layout.Args);
        await _daemon.WaitReadyAsync();
        _http = DaemonFixture.CreateClient(_layout.Socket);
        _docker = new DockerCli(_layout.Socket, _layout.Temp.CreateDirectory("docker-config"));
    }

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        _daemon?.Dispose();
        await _plugin.DisposeAsync();
        await _global.DisposeAsync();
        _layout.Dispose();
    }

    private async Task<DockerCli.Result> OkAsync(params string[] args)
    {
        var result = await _docker.RunAsync(args);
        Assert.True(result.ExitCode == 0, $"docker {string.Join(' ', args)} failed: {result}\ncnmd stderr:\n{_daemon.Stderr}");
        return result;
    }

    private async Task<DockerCli.Result> FailsAsync(params string[] args)
    {
        var result = await _docker.RunAsync(args);
        Assert.True(result.ExitCode == 1, $"docker {string.Join(' ', args)} should fail with rc 1: {result}");
        return result;
    }

    private async Task<HttpResponseMessage> SandboxAsync(string json) =>
        await _http.PostAsync("/cnm/v1/sandboxes", new StringContent(json, Encoding.UTF8, "application/json"));

    private async Task CreateSandboxAsync(string json)
    {
        using var response = await SandboxAsync(json);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    private async Task<JsonElement> ContainersAsync(string network)
    {
        var result = await OkAsync("network", "inspect", network);
        using var document = JsonDocument.Parse(result.Stdout);
        return document.RootElement[0].GetProperty("Containers").Clone();
    }

    [Fact]
    public async Task ConnectThenSandboxDelete_PluginSeesLeaveAndDeleteEndpoint_AddressFree_NetworkRmSucceeds()
    {
        await OkAsync("network", "create", "-d", Rec, "--ipam-driver", Rec, "sbdel");
        await CreateSandboxAsync("""{"ContainerId":"c0ffee0101","Name":"sbdel-box"}""");
        await OkAsync("network", "connect", "sbdel", "sbdel-box");
        var address = Assert.Single(_plugin.Addresses, a => !a.EndsWith(".1", StringComparison.Ordinal));
        _plugin.ClearCalls();

        using (var deleted = await _http.DeleteAsync("/cnm/v1/sandboxes/sbdel-box"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        Assert.Equal([PluginMethods.Network.RevokeExternalConnectivity, PluginMethods.Network.Leave, PluginMethods.Network.DeleteEndpoint,
            PluginMethods.Ipam.ReleaseAddress], _plugin.Methods);
        Assert.DoesNotContain(address, _plugin.Addresses);
        Assert.Empty(_plugin.Endpoints);
        Assert.Empty((await ContainersAsync("sbdel")).EnumerateObject());
        await OkAsync("network", "rm", "sbdel");
        Assert.Empty(_plugin.Networks);
    }

    [Fact]
    public async Task ConnectWithPublishedPorts_NativeSandbox_CreateEndpointAndJoinOptionsCarryThePortMap()
    {
        const string ports = "{\"com.docker.network.endpoint.exposedports\":[{\"Proto\":17,\"Port\":53},{\"Proto\":6,\"Port\":80}],"
            + "\"com.docker.network.portmap\":[{\"Proto\":6,\"IP\":\"\",\"Port\":80,\"HostIP\":\"\",\"HostPort\":8080,\"HostPortEnd\":8080},"
            + "{\"Proto\":6,\"IP\":\"\",\"Port\":80,\"HostIP\":\"127.0.0.1\",\"HostPort\":9000,\"HostPortEnd\":9002}]}";
        await OkAsync("network", "create", "-d", Rec, "ports");
        await CreateSandboxAsync("""
            {"ContainerId":"c0ffee0102","Name":"ports-box","ExposedPorts":{"53/udp":{}},
             "PortBindings":{"80/tcp":[{"HostIp":"","HostPort":"8080"},{"HostIp":"127.0.0.1","HostPort":"9000-9002"}]}}
            """);
        _plugin.ClearCalls();

        await OkAsync("network", "connect", "ports", "ports-box");

        var join = Assert.Single(_plugin.CallsTo(PluginMethods.Network.Join));
        Assert.EndsWith($",\"Options\":{ports}}}\n", join.Body, StringComparison.Ordinal);
        Assert.EndsWith($",\"Options\":{ports}}}\n", Assert.Single(_plugin.CallsTo(PluginMethods.Network.CreateEndpoint)).Body, StringComparison.Ordinal);
        Assert.EndsWith($",\"Options\":{ports}}}\n", Assert.Single(_plugin.CallsTo(PluginMethods.Network.ProgramExternalConnectivity)).Body,
            StringComparison.Ordinal);

        using var bad = await SandboxAsync("""{"ContainerId":"c0ffee0103","PortBindings":{"80/tpc":[{"HostPort":"8080"}]}}""");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("invalid port \\\"80/tpc\\\"", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await OkAsync("network", "disconnect", "ports", "ports-box");
        await OkAsync("network", "rm", "ports");
    }

    [Fact]
    public async Task Disconnect_DeleteEndpointRefused_FinishesAsTheReferenceDoes_NothingLeftInCnm()
    {
        await OkAsync("network", "create", "-d", Rec, "refuse");
        await CreateSandboxAsync("""{"ContainerId":"c0ffee0104","Name":"refuse-box"}""");
        await OkAsync("network", "connect", "refuse", "refuse-box");
        _plugin.FailMethod(PluginMethods.Network.DeleteEndpoint, 1);

        // The reference only logs a DeleteEndpoint error: the disconnect finishes, and nothing is left in Cnm that no
        // route can remove. The plugin, which refused, still holds its endpoint; that is its own state.
        await OkAsync("network", "disconnect", "refuse", "refuse-box");

        Assert.Empty((await ContainersAsync("refuse")).EnumerateObject());
        Assert.Contains(PluginMethods.Network.Leave, _plugin.Methods);
        Assert.Single(_plugin.Endpoints);
        using var forced = await _http.DeleteAsync("/networks/refuse?force=true");
        Assert.Equal(HttpStatusCode.NoContent, forced.StatusCode);
    }

    [Fact]
    public async Task DisconnectForce_EndpointWithoutContainer_DeletedByName()
    {
        await OkAsync("network", "create", "-d", Rec, "ghosts");
        using (var created = await _http.PostAsync("/cnm/v1/endpoints",
            new StringContent("""{"Network":"ghosts","Name":"ghost"}""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var notConnected = await FailsAsync("network", "disconnect", "ghosts", "ghost");
        Assert.Contains("No such container: ghost", notConnected.Stderr, StringComparison.Ordinal);
        await OkAsync("network", "disconnect", "-f", "ghosts", "ghost");

        Assert.Empty(_plugin.Endpoints);
        await OkAsync("network", "rm", "ghosts");
    }

    [Fact]
    public async Task Disconnect_NetworkWaitingForPlugin_FailsAtOnceChangingNothing_ForceDeletes_CallsDeliveredWhenBack()
    {
        await OkAsync("network", "create", "-d", Rec, "waits");
        await CreateSandboxAsync("""{"ContainerId":"c0ffee0105","Name":"waits-box"}""");
        await OkAsync("network", "connect", "waits", "waits-box");
        var endpoint = Assert.Single(_plugin.Endpoints);
        await _plugin.StopAsync();
        await WaitForStateAsync("waits", "waiting");
        _plugin.ClearCalls();

        var refused = await FailsAsync("network", "disconnect", "waits", "waits-box");
        Assert.Contains("waiting for plugin", refused.Stderr, StringComparison.Ordinal);
        Assert.True(refused.Elapsed < TimeSpan.FromSeconds(10), $"took {refused.Elapsed}"); // at once, not after retries
        var entry = (await ContainersAsync("waits")).GetProperty("c0ffee0105");
        Assert.Equal(endpoint, entry.GetProperty("EndpointID").GetString());

        // Forced, as Docker's: the endpoint goes now; the Leave and the DeleteEndpoint are owed to the plugin.
        await OkAsync("network", "disconnect", "-f", "waits", "waits-box");
        Assert.Empty((await ContainersAsync("waits")).EnumerateObject());

        await _plugin.StartAsync();
        await _plugin.WaitForCallsAsync(PluginMethods.Network.DeleteEndpoint, 1, TimeSpan.FromSeconds(30));
        // The plugin records a call as it arrives, before its handler has dropped the endpoint: poll, do not read once.
        for (var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10); _plugin.Endpoints.Count > 0 && DateTime.UtcNow < deadline;)
        {
            await Task.Delay(25);
        }

        Assert.Empty(_plugin.Endpoints);
        await WaitForStateAsync("waits", "ready");
        await OkAsync("network", "rm", "waits");
    }

    [Fact]
    public async Task NullNetwork_StaticIpAndSubnet_RefusedNamingNetworkAndDriver()
    {
        var subnet = await FailsAsync("network", "create", "-d", "null", "--subnet", "10.61.0.0/24", "nullsub");
        Assert.Contains("driver null manages no addresses", subnet.Stderr, StringComparison.Ordinal);
        Assert.Contains("--subnet", subnet.Stderr, StringComparison.Ordinal);

        await OkAsync("network", "create", "-d", "null", "nullnet");
        await CreateSandboxAsync("""{"ContainerId":"c0ffee0106","Name":"null-box"}""");
        var ip = await FailsAsync("network", "connect", "--ip", "10.60.0.5", "nullnet", "null-box");
        Assert.Contains("static address 10.60.0.5", ip.Stderr, StringComparison.Ordinal);
        Assert.Contains("network nullnet (driver null) has no IPv4 address pools", ip.Stderr, StringComparison.Ordinal);
        Assert.Empty((await ContainersAsync("nullnet")).EnumerateObject());
        await OkAsync("network", "rm", "nullnet");
    }

    [Fact]
    public async Task Connect_JoinWithoutInterface_JoinedWithNoInterfaceAndDisconnects()
    {
        await OkAsync("network", "create", "-d", Rec, "noiface");
        await CreateSandboxAsync("""{"ContainerId":"c0ffee0107","Name":"noiface-box"}""");
        _plugin.JoinReply = _ => """{"InterfaceName":{"SrcName":"","DstPrefix":""}}""";
        try
        {
            await OkAsync("network", "connect", "noiface", "noiface-box");
        }
        finally
        {
            _plugin.JoinReply = null;
        }

        Assert.True((await ContainersAsync("noiface")).TryGetProperty("c0ffee0107", out _));
        using (var endpoints = await _http.GetAsync("/cnm/v1/endpoints?network=noiface"))
        {
            var list = JsonDocument.Parse(await endpoints.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("", list[0].GetProperty("Join").GetProperty("SrcName").GetString());
        }

        await OkAsync("network", "disconnect", "noiface", "noiface-box");
        await OkAsync("network", "rm", "noiface");
    }

    [Fact]
    public async Task NetworkCreate_GlobalScopeDriver_Forbidden_NoIpamOrNetworkCall()
    {
        var cli = await FailsAsync("network", "create", "-d", Global, "glob");
        Assert.Contains("driver globp has scope \"global\"", cli.Stderr, StringComparison.Ordinal);
        Assert.Contains("--cluster-store", cli.Stderr, StringComparison.Ordinal);

        using var response = await _http.PostAsync("/networks/create",
            new StringContent($$$"""{"Name":"glob","Driver":"{{{Global}}}","IPAM":{"Driver":"{{{Global}}}"}}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("cluster store", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.All(_global.Methods, m => Assert.True(m is PluginMethods.Activate or PluginMethods.Network.GetCapabilities
            or PluginMethods.Ipam.GetCapabilities or PluginMethods.Ipam.GetDefaultAddressSpaces, $"unexpected call {m}"));
        Assert.Empty(_global.Networks);
        Assert.Empty(_global.Pools);
    }

    [Fact]
    public async Task Prune_DriverRefusesDelete_NetworkKeptLoggedAndNamedInWarnings()
    {
        await OkAsync("network", "create", "-d", Rec, "--label", "prunetest=1", "prunefail");
        _plugin.FailMethod(PluginMethods.Network.DeleteNetwork, 1);

        using var response = await _http.PostAsync("/networks/prune?filters=" + Uri.EscapeDataString("""{"label":["prunetest"]}"""), null);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(body.GetProperty("NetworksDeleted").EnumerateArray());
        var warning = Assert.Single(body.GetProperty("Warnings").EnumerateArray()).GetString();
        Assert.StartsWith("network prunefail was not deleted: ", warning, StringComparison.Ordinal);
        await _daemon.WaitForOutputAsync("Network prune could not delete network prunefail");
        var cli = await OkAsync("network", "prune", "-f", "--filter", "label=prunetest");
        Assert.Contains("prunefail", cli.Stdout, StringComparison.Ordinal);
    }

    private async Task WaitForStateAsync(string network, string state)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            using var response = await _http.GetAsync($"/networks/{network}");
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            if (body.GetProperty("CnmStatus").GetProperty("State").GetString() == state)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"network {network} did not become {state} within 20 s: {body}");
            await Task.Delay(50);
        }
    }
}
