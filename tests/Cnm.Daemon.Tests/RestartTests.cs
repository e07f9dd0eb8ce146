using System.Net;
using System.Runtime.Versioning;
using System.Text.Json;
using Cnm.Testing;
using static Cnm.Daemon.Tests.NativeEndpointTests;

namespace Cnm.Daemon.Tests;

/// <summary>
/// State that survives: cnmd stopped (SIGTERM) or killed (SIGKILL) and started again on the same data root
/// has every acknowledged network, endpoint and sandbox back, with the same ids, and keeps working.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class RestartTests() : StatefulDaemonTest("cnmd-restart", "restartp")
{
    /// <summary>
    /// The plugin's driver calls. The watcher may activate the plugin (Plugin.Activate, GetCapabilities) at any
    /// time after start; restore itself must send nothing.
    /// </summary>
    private int DriverCalls() =>
        PluginServer.Requests.Count(r => r.ServiceMethod is not ("Plugin.Activate" or "NetworkDriver.GetCapabilities"));

    [Fact]
    public async Task Sigterm_Restart_EverythingBackWithSameIds_AndStillWorks()
    {
        string nullNet, mockNet, fixedEp, dynamicEp, nullEp, sandbox, before;
        using (var first = await StartAsync())
        using (var http = DaemonFixture.CreateClient(Socket))
        {
            nullNet = await CreateNetworkAsync(http, "r-null", "null");
            mockNet = await CreateNetworkAsync(http, "r-mock", Plugin, "10.240.1.0/24");
            fixedEp = Id(await CreateEndpointAsync(http, """{"Network":"r-mock","Name":"fixed","IPv4Address":"10.240.1.20","MacAddress":"02:42:0a:f0:01:14"}"""));
            dynamicEp = Id(await CreateEndpointAsync(http, """{"Network":"r-mock","Name":"dyn"}"""));
            nullEp = Id(await CreateEndpointAsync(http, """{"Network":"r-null","Name":"n1"}"""));
            sandbox = await CreateSandboxAsync(http, "c1");
            using (var join = await http.PostAsync($"/cnm/v1/endpoints/{fixedEp}/join", Body($$"""{"Sandbox":"{{sandbox}}"}""")))
            {
                await ReadAsync(join, HttpStatusCode.OK);
            }

            before = await StateAsync(http);
            Assert.Equal(0, await first.TerminateAsync(TimeSpan.FromSeconds(20)));
        }

        // Closed on shutdown: a clean close checkpoints the WAL into cnm.db and removes it.
        Assert.True(File.Exists(Temp.File("data", "cnm.db")));
        Assert.False(File.Exists(Temp.File("data", "cnm.db-wal")));

        var pluginCalls = DriverCalls();
        using var second = await StartAsync();
        using var client = DaemonFixture.CreateClient(Socket);

        Assert.Equal(pluginCalls, DriverCalls()); // restore replayed nothing to the plugin
        Assert.Equal(before, await StateAsync(client));
        var endpoint = await GetAsync(client, "/cnm/v1/endpoints/" + fixedEp);
        Assert.Equal("10.240.1.20/24", endpoint.GetProperty("Interface").GetProperty("Address").GetString());
        Assert.Equal("02:42:0a:f0:01:14", endpoint.GetProperty("Interface").GetProperty("MacAddress").GetString());
        Assert.Equal(sandbox, endpoint.GetProperty("Sandbox").GetProperty("Id").GetString());
        Assert.Equal(mockNet, (await GetAsync(client, "/networks/r-mock")).GetProperty("Id").GetString());

        // The default IPAM holds the restored pool again: the same subnet is refused as an overlap.
        using (var overlap = await client.PostAsync("/networks/create", Body($$$"""{"Name":"r-again","Driver":"{{{Plugin}}}","IPAM":{"Config":[{"Subnet":"10.240.1.0/24"}]}}""")))
        {
            var text = await overlap.Content.ReadAsStringAsync();
            Assert.False(overlap.IsSuccessStatusCode, text);
            Assert.Contains("10.240.1.0/24 is already reserved", text, StringComparison.Ordinal);
        }

        using (var leave = await client.PostAsync($"/cnm/v1/endpoints/{fixedEp}/leave", Body("{}")))
        {
            Assert.False((await ReadAsync(leave, HttpStatusCode.OK)).TryGetProperty("Sandbox", out _));
        }

        var third = await CreateEndpointAsync(client, """{"Network":"r-mock","Name":"third"}""");
        using (var join = await client.PostAsync($"/cnm/v1/endpoints/{Id(third)}/join", Body($$"""{"Sandbox":"{{sandbox}}"}""")))
        {
            Assert.Equal(sandbox, (await ReadAsync(join, HttpStatusCode.OK)).GetProperty("Sandbox").GetProperty("Id").GetString());
        }

        var address = third.GetProperty("Interface").GetProperty("Address").GetString();
        Assert.NotEqual("10.240.1.20/24", address);
        Assert.NotEqual((await GetAsync(client, "/cnm/v1/endpoints/" + dynamicEp)).GetProperty("Interface").GetProperty("Address").GetString(), address);
        Assert.Single(PluginServer.RequestsFor("NetworkDriver.Leave"), r => r.BodyText.Contains(fixedEp, StringComparison.Ordinal));
        using (var deletedSandbox = await client.DeleteAsync("/cnm/v1/sandboxes/" + sandbox))
        {
            Assert.Equal(HttpStatusCode.NoContent, deletedSandbox.StatusCode);
        }

        // The sandbox delete deleted the endpoint joined to it; the others are deleted by hand.
        using (var gone = await client.GetAsync("/cnm/v1/endpoints/" + Id(third)))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }

        foreach (var id in new[] { dynamicEp, nullEp, fixedEp })
        {
            using var deleted = await client.DeleteAsync("/cnm/v1/endpoints/" + id);
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using (var deleted = await client.DeleteAsync("/networks/" + nullNet))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        Assert.Equal(0, await second.TerminateAsync(TimeSpan.FromSeconds(20)));
        using var thirdRun = await StartAsync();
        using var last = DaemonFixture.CreateClient(Socket);
        Assert.Equal(["r-mock"], Names(await GetAsync(last, "/networks")));
        Assert.Empty((await GetAsync(last, "/cnm/v1/endpoints")).EnumerateArray());
        Assert.Empty((await GetAsync(last, "/cnm/v1/sandboxes")).EnumerateArray());
    }

    [Fact]
    public async Task Kill9_AfterAcknowledgedOperations_RestartHasThemAll()
    {
        string before;
        using (var first = await StartAsync())
        using (var http = DaemonFixture.CreateClient(Socket))
        {
            await CreateNetworkAsync(http, "k-null", "null");
            await CreateNetworkAsync(http, "k-mock", Plugin, "10.241.0.0/24");
            var ep = Id(await CreateEndpointAsync(http, """{"Network":"k-mock","Name":"e1"}"""));
            await CreateEndpointAsync(http, """{"Network":"k-null","Name":"e2"}""");
            var sandbox = await CreateSandboxAsync(http, "k1");
            using (var join = await http.PostAsync($"/cnm/v1/endpoints/{ep}/join", Body($$"""{"Sandbox":"{{sandbox}}"}""")))
            {
                await ReadAsync(join, HttpStatusCode.OK);
            }

            before = await StateAsync(http);
            await first.KillHardAsync();
        }

        using var second = await StartAsync();
        using var client = DaemonFixture.CreateClient(Socket);
        Assert.Equal(before, await StateAsync(client));
        Assert.Contains("10.241.0.", before, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StoreCannotBeOpened_StartRefusedNamingTheFile()
    {
        Directory.CreateDirectory(Temp.File("data", "cnm.db")); // a directory where the state file should be
        using var daemon = DaemonProcess.Start(Args);

        Assert.Equal(1, await daemon.WaitExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("cnmd: error:", daemon.Stderr, StringComparison.Ordinal);
        Assert.Contains(Temp.File("data", "cnm.db"), daemon.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StoreSync_BadValue_RefusedNormalAccepted()
    {
        using (var bad = DaemonProcess.Start([.. Args, "--store-sync", "sometimes"]))
        {
            Assert.Equal(1, await bad.WaitExitAsync(TimeSpan.FromSeconds(20)));
            Assert.Contains("--store-sync sometimes: expected full or normal", bad.Stderr, StringComparison.Ordinal);
        }

        using var normal = DaemonProcess.Start(Args, new Dictionary<string, string> { ["CNMD_STORESYNC"] = "normal" });
        await normal.WaitReadyAsync();
        using var http = DaemonFixture.CreateClient(Socket);
        await CreateNetworkAsync(http, "s-null", "null");
        Assert.Equal(0, await normal.TerminateAsync(TimeSpan.FromSeconds(20)));
        using var again = await StartAsync();
        using var client = DaemonFixture.CreateClient(Socket);
        Assert.Equal(["s-null"], Names(await GetAsync(client, "/networks")));
    }

    private async Task<DaemonProcess> StartAsync()
    {
        var daemon = DaemonProcess.Start(Args);
        await daemon.WaitReadyAsync();
        return daemon;
    }

    private static string Id(JsonElement resource) => resource.GetProperty("Id").GetString()!;

    private static string[] Names(JsonElement list) => [.. list.EnumerateArray().Select(e => e.GetProperty("Name").GetString()!).Order()];

    private static async Task<JsonElement> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        return await ReadAsync(response, HttpStatusCode.OK);
    }

    /// <summary>The networks, endpoints and sandboxes as the API lists them, without the fields that are asked of drivers live.</summary>
    private static async Task<string> StateAsync(HttpClient http)
    {
        var lines = new List<string>();
        foreach (var n in (await GetAsync(http, "/networks")).EnumerateArray())
        {
            lines.Add($"network {n.GetProperty("Id")} {n.GetProperty("Name")} {n.GetProperty("Driver")} {n.GetProperty("Created")} {n.GetProperty("IPAM")}");
        }

        foreach (var e in (await GetAsync(http, "/cnm/v1/endpoints")).EnumerateArray())
        {
            lines.Add($"endpoint {e.GetProperty("Id")} {e.GetProperty("Name")} {e.GetProperty("Network")} {e.GetProperty("Interface")} {e.GetProperty("State")} "
                + $"{(e.TryGetProperty("Sandbox", out var s) ? s.ToString() : "-")} {e.GetProperty("Created")}");
        }

        foreach (var s in (await GetAsync(http, "/cnm/v1/sandboxes")).EnumerateArray())
        {
            lines.Add($"sandbox {s}");
        }

        return string.Join('\n', lines.Order(StringComparer.Ordinal));
    }
}
