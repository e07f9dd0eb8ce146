using System.Net;
using System.Runtime.Versioning;
using System.Text.Json;
using Cnm.Linux.Namespaces;
using Cnm.Protocol;
using static Cnm.Daemon.Tests.NativeEndpointTests;

namespace Cnm.Daemon.Tests.Linux;

/// <summary>
/// Issue 11 point 7 (second part) through cnmd with Linux sandboxes: the test hook CNM_TEST_CRASH_AFTER kills cnmd
/// (SIGKILL) right after each step of sandbox create and delete, and of endpoint create, join, leave and delete, the
/// provider's kernel steps among them (spec/linux-sandboxes.md, "Crash safety"). After a restart (without the hook) and
/// once cnmd owes the plugin nothing, the kernel matches the state exactly: one mounted namespace per sandbox and no
/// other, one resolver directory per sandbox, each sandbox holds exactly its joined endpoints' interfaces, the host
/// namespace holds only the plugin's veths of existing endpoints (an unjoined one's back under its SrcName), and the
/// plugin holds what cnmd holds. A sandbox with a joined endpoint, made before the crash, survives untouched. Needs
/// root; nothing is left behind (checked on dispose).
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class LinuxSandboxCrashTests
{
    /// <summary>(the operation the test runs, the step cnmd is killed after).</summary>
    public static TheoryData<string, string> Steps()
    {
        var data = new TheoryData<string, string>();
        // #2: the "keep" sandbox and endpoint made first go through these steps once already.
        foreach (var step in new[] { "netns", "files" })
        {
            data.Add("sandbox-create", $"sandbox-create:{step}#2");
        }

        foreach (var step in new[] { "RequestAddress", "CreateEndpoint", "commit" })
        {
            data.Add("endpoint-create", $"endpoint-create:{step}#2");
        }

        foreach (var step in new[] { "Join", "alias", "move", "mac", "address", "up", "routes", "gateway", "AddInterface", "ProgramExternalConnectivity", "commit" })
        {
            data.Add("join", $"join:{step}#2");
        }

        foreach (var step in new[] { "commit", "RevokeExternalConnectivity", "Leave", "move", "RemoveInterface", "end" })
        {
            data.Add("leave", $"leave:{step}");
        }

        foreach (var step in new[] { "intent", "DeleteEndpoint", "commit" })
        {
            data.Add("endpoint-delete", $"endpoint-delete:{step}");
        }

        foreach (var step in new[] { "leave:Leave", "leave:move", "leave:RemoveInterface", "endpoint-delete:DeleteEndpoint", "sandbox-delete:netns", "sandbox-delete:files" })
        {
            data.Add("sandbox-delete", step);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Steps))]
    public async Task HookKillsCnmdAfterStep_AfterRestartKernelMatchesState(string operation, string step)
    {
        await using var e2e = await LinuxDaemon.StartAsync(crashAfter: step);
        await e2e.GuardAsync(() => RunAsync(e2e, operation, step));
    }

    private static async Task RunAsync(LinuxDaemon e2e, string operation, string step)
    {
        await e2e.NetworkAsync("crash", 41);
        var (keepSandbox, keepKey) = await e2e.SandboxAsync("keepbox");
        var keep = (await CreateEndpointAsync(e2e.Http, """{"Network":"crash","Name":"keep"}""")).GetProperty("Id").GetString()!;
        await SendAsync(e2e.Http, HttpMethod.Post, $"/cnm/v1/endpoints/{keep}/join", $$"""{"Sandbox":"{{keepSandbox}}"}""");

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => RunUpToAsync(e2e.Http, operation)); // the connection dies with cnmd
        await e2e.WaitCrashedAsync(step.Split('#')[0]);

        await e2e.StartDaemonAsync();
        await EventuallyAsync(() => AssertKernelMatchesStateAsync(e2e));
        var endpoints = await GetAsync(e2e.Http, "/cnm/v1/endpoints");
        var kept = endpoints.EnumerateArray().Single(e => e.GetProperty("Id").GetString() == keep);
        Assert.Equal(keepSandbox, kept.GetProperty("Sandbox").GetProperty("Id").GetString());
        using (var inside = await Cnm.Linux.Netlink.NetlinkClient.OpenAsync(keepKey, CancellationToken.None))
        {
            Assert.True(inside.GetLink("eth0").IsUp);
            Assert.Contains(inside.GetRoutes(System.Net.Sockets.AddressFamily.InterNetwork), r => r.IsDefault);
        }

        // Everything can still be undone the ordinary way, and then nothing is left.
        foreach (var sandbox in (await GetAsync(e2e.Http, "/cnm/v1/sandboxes")).EnumerateArray())
        {
            await SendAsync(e2e.Http, HttpMethod.Delete, $"/cnm/v1/sandboxes/{sandbox.GetProperty("Id").GetString()}", null);
        }

        foreach (var endpoint in (await GetAsync(e2e.Http, "/cnm/v1/endpoints")).EnumerateArray())
        {
            await SendAsync(e2e.Http, HttpMethod.Delete, $"/cnm/v1/endpoints/{endpoint.GetProperty("Id").GetString()}", null);
        }

        await e2e.RunDockerAsync("network", "rm", "crash");
        await EventuallyAsync(() => AssertKernelMatchesStateAsync(e2e));
        Assert.Empty(e2e.HostLinks());
        await e2e.StopDaemonAsync();
    }

    /// <summary>The set-up of <paramref name="operation"/> on a new sandbox "crashbox", then the operation, which the hook cuts short.</summary>
    private static async Task RunUpToAsync(HttpClient http, string operation)
    {
        var sandbox = await CreateSandboxAsync(http, "crashbox");
        if (operation == "sandbox-create")
        {
            return; // the hook fired in the create: unreachable
        }

        var endpoint = (await CreateEndpointAsync(http, """{"Network":"crash","Name":"e1"}""")).GetProperty("Id").GetString()!;
        await SendAsync(http, HttpMethod.Post, $"/cnm/v1/endpoints/{endpoint}/join", $$"""{"Sandbox":"{{sandbox}}"}""");
        switch (operation)
        {
            case "sandbox-delete":
                await SendAsync(http, HttpMethod.Delete, $"/cnm/v1/sandboxes/{sandbox}", null);
                return;
            case "leave" or "endpoint-delete":
                await SendAsync(http, HttpMethod.Post, $"/cnm/v1/endpoints/{endpoint}/leave", "{}");
                await SendAsync(http, HttpMethod.Delete, $"/cnm/v1/endpoints/{endpoint}", null);
                return;
        }
    }

    /// <summary>What the state says, against the kernel and the plugin; throws (an assertion) at the first difference.</summary>
    private static async Task AssertKernelMatchesStateAsync(LinuxDaemon e2e)
    {
        var df = await GetAsync(e2e.Http, "/cnm/v1/system/df");
        Assert.Equal(0, df.GetProperty("PendingCalls").GetInt32());
        Assert.Equal(0, df.GetProperty("Intents").GetInt32());
        var sandboxes = (await GetAsync(e2e.Http, "/cnm/v1/sandboxes")).EnumerateArray()
            .Select(s => (Id: s.GetProperty("Id").GetString()!, Key: s.GetProperty("Key").GetString()!)).ToList();
        var endpoints = (await GetAsync(e2e.Http, "/cnm/v1/endpoints")).EnumerateArray()
            .Select(e => (Id: e.GetProperty("Id").GetString()!, Sandbox: e.TryGetProperty("Sandbox", out var s) ? s.GetProperty("Id").GetString() : null)).ToList();

        // Namespaces, mounts and resolver files: exactly the sandboxes'.
        var netns = Path.Combine(e2e.ExecRoot, "netns");
        Assert.Equal(sandboxes.Select(s => s.Key).Order(StringComparer.Ordinal),
            Directory.Exists(netns) ? Directory.EnumerateFileSystemEntries(netns).Order(StringComparer.Ordinal) : []);
        Assert.Equal(sandboxes.Select(s => s.Key).Order(StringComparer.Ordinal), e2e.Mounts().Where(m => m != e2e.HostNs).Order(StringComparer.Ordinal));
        var files = Path.Combine(e2e.ExecRoot, "sandboxes");
        Assert.Equal(sandboxes.Select(s => s.Id).Order(StringComparer.Ordinal),
            Directory.Exists(files) ? Directory.EnumerateDirectories(files).Select(d => Path.GetFileName(d)).Order(StringComparer.Ordinal) : []);

        // Each sandbox holds exactly the interfaces of its joined endpoints, configured.
        foreach (var (id, key) in sandboxes)
        {
            using var inside = await Cnm.Linux.Netlink.NetlinkClient.OpenAsync(key, CancellationToken.None);
            var links = inside.GetLinks().Where(l => l.Name != "lo").ToList();
            Assert.Equal(endpoints.Where(e => e.Sandbox == id).Select(e => $"cnm:{e.Id}:c{e.Id[..8]}").Order(StringComparer.Ordinal),
                links.Select(l => l.Alias ?? "").Order(StringComparer.Ordinal));
            Assert.All(links, l => Assert.True(l.IsUp && l.Name.StartsWith("eth", StringComparison.Ordinal), $"{l.Name} in sandbox {id[..12]}"));
        }

        // The host namespace: only the plugin's veths of existing endpoints; a joined one's inner end is in its sandbox,
        // an unjoined one's is back under its SrcName, down and unmarked.
        var byShortId = endpoints.ToDictionary(e => e.Id[..8], StringComparer.Ordinal);
        foreach (var link in e2e.Host.GetLinks().Where(l => l.Name != "lo"))
        {
            Assert.True(link.Name.Length == 9 && link.Name[0] is 'h' or 'c' && byShortId.ContainsKey(link.Name[1..]),
                $"host link {link.Name} belongs to no endpoint cnmd has");
            if (link.Name[0] == 'c')
            {
                Assert.Null(byShortId[link.Name[1..]].Sandbox);
                Assert.False(link.IsUp);
                Assert.True(string.IsNullOrEmpty(link.Alias), $"host link {link.Name} still carries the join mark {link.Alias}");
            }
        }

        Assert.All(endpoints.Where(e => e.Sandbox is not null), e => Assert.NotNull(e2e.Host.FindLink("h" + e.Id[..8])));

        // The plugin holds what cnmd holds.
        Assert.Equal(endpoints.Select(e => e.Id).Order(StringComparer.Ordinal), e2e.Plugin.Endpoints);
        Assert.Equal(endpoints.Where(e => e.Sandbox is not null).Select(e => e.Id).Order(StringComparer.Ordinal), e2e.Plugin.JoinedEndpoints);
        Assert.All(sandboxes, s => Assert.True(NetworkNamespace.IsMounted(s.Key)));
    }

    /// <summary>
    /// Retries <paramref name="check"/> until it passes (generous bound: 20 s): pending calls are delivered in the
    /// background after start-up, and the kernel frees a deleted namespace's links in the background too.
    /// </summary>
    private static async Task EventuallyAsync(Func<Task> check)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                await check();
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    private static async Task SendAsync(HttpClient http, HttpMethod method, string path, string? body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : Body(body) };
        using var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<JsonElement> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        return await ReadAsync(response, HttpStatusCode.OK);
    }
}
