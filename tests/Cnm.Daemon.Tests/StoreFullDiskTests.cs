using System.Net;
using System.Runtime.Versioning;
using System.Text.Json;
using Cnm.Testing;
using static Cnm.Daemon.Tests.NativeEndpointTests;

namespace Cnm.Daemon.Tests;

/// <summary>
/// The data root on a small tmpfs that fills up while cnmd runs with a remote network and IPAM plugin: creates
/// fail with a clear error, nothing is half-written (in cnmd, in the store, in the plugin), and once space is
/// freed the same creates work, also after a restart (spec/store.md, "SQLite: faults").
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class StoreFullDiskTests() : StatefulDaemonTest("cnmd-full", "unusedp")
{
    private const string PluginName = "fullp";

    [Fact]
    public async Task Creates_OnFullDisk_Refused503WithHint_NothingHalfWritten_WorkAfterSpaceIsFreed()
    {
        using var mount = TmpfsMount.Mount(DataRoot, 4096);
        await using var plugin = await RecordingPlugin.StartAsync(Temp.File("plugins", PluginName + ".sock"));
        string state, pluginView;
        using (var daemon = DaemonProcess.Start(Args))
        {
            await daemon.WaitReadyAsync();
            using var http = DaemonFixture.CreateClient(Socket);
            await CreatePluginNetworkAsync(http, "f-a", HttpStatusCode.Created);
            await CreatePluginNetworkAsync(http, "f-b", HttpStatusCode.Created);
            await CreateEndpointAsync(http, """{"Network":"f-a","Name":"e1"}""");
            await CreateEndpointAsync(http, """{"Network":"f-a","Name":"e2"}""");
            await CreateEndpointAsync(http, """{"Network":"f-b","Name":"e3"}""");
            state = await StateAsync(http);
            pluginView = plugin.Snapshot();
            await AssertPluginAgreesAsync(http, plugin);
            var revision = (await DfAsync(http)).GetProperty("Revision").GetInt64();

            var filler = mount.Fill();
            var network = await CreatePluginNetworkAsync(http, "f-full", HttpStatusCode.ServiceUnavailable);
            AssertDiskFullMessage(network.GetProperty("message").GetString()!);
            using (var response = await http.PostAsync("/cnm/v1/endpoints", Body("""{"Network":"f-a","Name":"e-full"}""")))
            {
                var error = await ReadAsync(response, HttpStatusCode.ServiceUnavailable);
                AssertDiskFullMessage(error.GetProperty("message").GetString()!);
            }

            // Nothing half-written: cnmd's objects, the plugin's networks, endpoints, pools and addresses, and
            // the store's revision are all as before; the store still answers.
            Assert.Equal(state, await StateAsync(http));
            Assert.Equal(pluginView, plugin.Snapshot());
            await AssertPluginAgreesAsync(http, plugin);
            var df = await DfAsync(http);
            Assert.Equal(revision, df.GetProperty("Revision").GetInt64());
            Assert.Equal(2, df.GetProperty("Networks").GetInt32());
            Assert.Equal(3, df.GetProperty("Endpoints").GetInt32());
            // The store could not take the intent, so the network driver was never asked; what the IPAM had handed
            // out was given back (spec/store.md, "Intents and pending calls").
            Assert.True(plugin.CallsTo("NetworkDriver.CreateNetwork").Count == 2, string.Join(", ", plugin.Methods));
            Assert.True(plugin.CallsTo("NetworkDriver.CreateEndpoint").Count == 3, string.Join(", ", plugin.Methods));
            Assert.Equal(plugin.CallsTo("IpamDriver.RequestPool").Count - 2, plugin.CallsTo("IpamDriver.ReleasePool").Count);

            // Space freed: the same creates work.
            File.Delete(filler);
            await CreatePluginNetworkAsync(http, "f-full", HttpStatusCode.Created);
            await CreateEndpointAsync(http, """{"Network":"f-a","Name":"e-full"}""");
            await AssertPluginAgreesAsync(http, plugin);
            state = await StateAsync(http);
            Assert.Equal(0, await daemon.TerminateAsync(TimeSpan.FromSeconds(20)));
        }

        using (var daemon = DaemonProcess.Start(Args))
        {
            await daemon.WaitReadyAsync();
            using var http = DaemonFixture.CreateClient(Socket);
            Assert.Equal(state, await StateAsync(http));
            await AssertPluginAgreesAsync(http, plugin);
            Assert.Equal(3, (await DfAsync(http)).GetProperty("Networks").GetInt32());
            Assert.Equal(0, await daemon.TerminateAsync(TimeSpan.FromSeconds(20)));
        }

        using var check = DaemonProcess.Start(["--check", "--data-root", DataRoot]);
        Assert.True(await check.WaitExitAsync(TimeSpan.FromSeconds(30)) == 0, check.Stdout + check.Stderr);
        Assert.Contains("networks: 3\nendpoints: 4\n", check.Stdout, StringComparison.Ordinal);
        Assert.EndsWith("ok", check.Stdout.TrimEnd(), StringComparison.Ordinal);
    }

    private void AssertDiskFullMessage(string message)
    {
        Assert.Contains(StateFile, message, StringComparison.Ordinal);
        Assert.Contains("the disk is full", message, StringComparison.Ordinal);
        Assert.Contains("Free space on that file system and retry", message, StringComparison.Ordinal);
    }

    private static async Task<JsonElement> CreatePluginNetworkAsync(HttpClient http, string name, HttpStatusCode expected)
    {
        using var response = await http.PostAsync("/networks/create",
            Body($$$"""{"Name":"{{{name}}}","Driver":"{{{PluginName}}}","IPAM":{"Driver":"{{{PluginName}}}"}}"""));
        return await ReadAsync(response, expected);
    }

    private static async Task<JsonElement> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        return await ReadAsync(response, HttpStatusCode.OK);
    }

    private static Task<JsonElement> DfAsync(HttpClient http) => GetAsync(http, "/cnm/v1/system/df");

    /// <summary>Networks (with IPAM) and endpoints (with interface) as the API lists them, sorted.</summary>
    private static async Task<string> StateAsync(HttpClient http)
    {
        var lines = new List<string>();
        foreach (var n in (await GetAsync(http, "/networks")).EnumerateArray())
        {
            lines.Add($"network {n.GetProperty("Id")} {n.GetProperty("Name")} {n.GetProperty("Driver")} {n.GetProperty("IPAM")}");
        }

        foreach (var e in (await GetAsync(http, "/cnm/v1/endpoints")).EnumerateArray())
        {
            lines.Add($"endpoint {e.GetProperty("Id")} {e.GetProperty("Name")} {e.GetProperty("Network")} {e.GetProperty("Interface")}");
        }

        return string.Join('\n', lines.Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// The plugin holds exactly what cnmd holds on it: its networks and endpoints by id, a pool per network (the
    /// network's subnet) and an address per gateway and endpoint.
    /// </summary>
    private static async Task AssertPluginAgreesAsync(HttpClient http, RecordingPlugin plugin)
    {
        var networks = (await GetAsync(http, "/networks")).EnumerateArray()
            .Where(n => n.GetProperty("Driver").GetString() == PluginName).ToList();
        var ids = networks.Select(n => n.GetProperty("Id").GetString()!).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(ids, plugin.Networks);

        var endpoints = (await GetAsync(http, "/cnm/v1/endpoints")).EnumerateArray()
            .Where(e => ids.Contains(e.GetProperty("Network").GetProperty("Id").GetString()!)).ToList();
        Assert.Equal(endpoints.Select(e => e.GetProperty("Id").GetString()!).Order(StringComparer.Ordinal), plugin.Endpoints);

        var configs = networks.SelectMany(n => n.GetProperty("IPAM").GetProperty("Config").EnumerateArray()).ToList();
        Assert.Equal(configs.Select(c => c.GetProperty("Subnet").GetString()!).Order(StringComparer.Ordinal),
            plugin.Pools.Values.Order(StringComparer.Ordinal));
        var addresses = configs.Select(c => c.GetProperty("Gateway").GetString()!)
            .Concat(endpoints.Select(e => e.GetProperty("Interface").GetProperty("Address").GetString()!.Split('/')[0]));
        Assert.Equal(addresses.Order(StringComparer.Ordinal), plugin.Addresses);
    }
}
