using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cnm.Linux.Namespaces;
using Cnm.Linux.Netlink;
using Cnm.Protocol;

namespace Cnm.Daemon.Tests.Linux;

/// <summary>
/// A cnmd with Linux sandboxes confined to a namespace the test makes (<c>--host-netns</c>), and a remote plugin
/// ("e2e", a <see cref="RecordingPlugin"/>) that behaves like a veth plugin: at Join it creates a veth in that host
/// namespace over our netlink client (<c>h&lt;eid8&gt;</c> on the host side, on the bridge <c>br-e2e</c> when it
/// exists; <c>c&lt;eid8&gt;</c> named as SrcName) and answers the network's gateway and two static routes; at
/// CreateEndpoint it gives a MAC; at DeleteEndpoint it deletes its veth, after noting whether SrcName was back in the host
/// namespace. Nothing touches the machine's own network. Dispose checks that nothing is left: no mount, no link in the
/// host namespace but loopback, no file under the exec root.
/// </summary>
internal sealed class LinuxDaemon : IAsyncDisposable
{
    public const string Bridge = "br-e2e";
    private readonly ConcurrentDictionary<string, (string Gateway, int Octet)> _networks = new(StringComparer.Ordinal);
    private int _macs;

    private LinuxDaemon(DaemonLayout layout, string hostNs, NetlinkClient host, RecordingPlugin plugin)
    {
        Layout = layout;
        HostNs = hostNs;
        Host = host;
        Plugin = plugin;
    }

    public DaemonLayout Layout { get; }

    public string HostNs { get; }

    /// <summary>A netlink client into the host namespace.</summary>
    public NetlinkClient Host { get; }

    public RecordingPlugin Plugin { get; }

    public DaemonProcess Daemon { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public DockerCli Docker { get; private set; } = null!;

    public string ExecRoot => Layout.Temp.File("exec");

    /// <summary>Endpoint id → whether its SrcName was in the host namespace (and down) when DeleteEndpoint came.</summary>
    public ConcurrentDictionary<string, bool> BackAtDelete { get; } = new(StringComparer.Ordinal);

    /// <summary>CNM_TEST_BRIDGE_FIREWALL for cnmd: <c>recording</c> (a firewall that only logs) or <c>none</c>; null for cnmd's own.</summary>
    public string? TestFirewall { get; private set; }

    /// <summary>When set, the next cnmd start gets CNM_TEST_CRASH_AFTER with this value (the crash tests); that start consumes it.</summary>
    public string? CrashAfter { get; set; }

    /// <summary>More environment variables for every cnmd start.</summary>
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    public static async Task<LinuxDaemon> StartAsync(string? testFirewall = null, string? crashAfter = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        Assert.True(Capabilities.MissingForSandboxes().Count == 0, "these tests need root (CAP_SYS_ADMIN and CAP_NET_ADMIN)");
        var layout = new DaemonLayout("cnmd-linux");
        var hostNs = layout.Temp.File("ns", "host");
        await NetworkNamespace.CreateAsync(hostNs, CancellationToken.None);
        var host = await NetlinkClient.OpenAsync(hostNs, CancellationToken.None);
        var plugin = await RecordingPlugin.StartAsync(Path.Combine(layout.PluginDir, "e2e.sock"));
        var linux = new LinuxDaemon(layout, hostNs, host, plugin) { TestFirewall = testFirewall, CrashAfter = crashAfter };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            linux.Environment[key] = value;
        }

        plugin.JoinReply = linux.Join;
        plugin.Rewrite(PluginMethods.Network.CreateEndpoint, _ =>
            new JsonObject { ["Interface"] = new JsonObject { ["MacAddress"] = linux.MacOverride ?? $"02:42:0a:ee:00:{Interlocked.Increment(ref linux._macs):x2}" } }.ToJsonString());
        plugin.Rewrite(PluginMethods.Network.DeleteEndpoint, linux.DeleteEndpoint);
        await linux.StartDaemonAsync();
        return linux;
    }

    /// <summary>Starts cnmd; with <paramref name="crashAfter"/>, it kills itself after that step (CNM_TEST_CRASH_AFTER).</summary>
    public async Task StartDaemonAsync(string? crashAfter = null)
    {
        var environment = new Dictionary<string, string>(Environment) { ["CNMD_SANDBOX"] = "linux" };
        if (TestFirewall is { } firewall)
        {
            environment["CNM_TEST_BRIDGE_FIREWALL"] = firewall;
        }

        if ((crashAfter ?? CrashAfter) is { } step)
        {
            environment["CNM_TEST_CRASH_AFTER"] = step;
        }

        CrashAfter = null;
        Daemon = DaemonProcess.Start([.. Layout.Args, "--host-netns", HostNs, "--log-level", "debug"], environment);
        await Daemon.WaitReadyAsync(TimeSpan.FromSeconds(60));
        Http = DaemonFixture.CreateClient(Layout.Socket);
        Docker = new DockerCli(Layout.Socket, Layout.Temp.CreateDirectory("docker-config"));
    }

    /// <summary>Waits (generous bound: 30 s) for cnmd to have killed itself after <paramref name="step"/>.</summary>
    public async Task WaitCrashedAsync(string step)
    {
        Assert.NotEqual(0, await Daemon.WaitExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains($"killing cnmd (SIGKILL) after {step}", Daemon.Stderr, StringComparison.Ordinal);
        Http.Dispose();
        Daemon.Dispose();
    }

    public async Task StopDaemonAsync()
    {
        Http.Dispose();
        Assert.Equal(0, await Daemon.TerminateAsync(TimeSpan.FromSeconds(30)));
        Daemon.Dispose();
    }

    /// <summary>
    /// Creates a network of the plugin on 10.&lt;octet&gt;.0.0/24 (and fd00:&lt;octet&gt;::/64 with <paramref name="ipv6"/>)
    /// with the docker CLI; returns its id.
    /// </summary>
    public async Task<string> NetworkAsync(string name, int octet, bool ipv6 = false)
    {
        string[] v6 = ipv6 ? ["--ipv6", "--subnet", $"fd00:{octet}::/64", "--gateway", $"fd00:{octet}::1"] : [];
        var result = await Docker.RunAsync(["network", "create", "-d", "e2e", "--subnet", $"10.{octet}.0.0/24", "--gateway", $"10.{octet}.0.1", .. v6, name]);
        Assert.True(result.ExitCode == 0, result + "\ncnmd:\n" + Daemon.Stderr);
        var id = result.Stdout.Trim();
        _networks[id] = ($"10.{octet}.0.1", octet);
        return id;
    }

    public async Task RunDockerAsync(params string[] args)
    {
        var result = await Docker.RunAsync(args);
        Assert.True(result.ExitCode == 0, $"docker {string.Join(' ', args)}: {result}\ncnmd:\n{Daemon.Stderr}");
    }

    /// <summary>Creates a sandbox with the native API; returns (id, key).</summary>
    public async Task<(string Id, string Key)> SandboxAsync(string containerId)
    {
        using var response = await Http.PostAsync("/cnm/v1/sandboxes", NativeEndpointTests.Body($$"""{"ContainerId":"{{containerId}}","Name":"{{containerId}}"}"""));
        var sandbox = await NativeEndpointTests.ReadAsync(response, HttpStatusCode.Created);
        return (sandbox.GetProperty("Id").GetString()!, sandbox.GetProperty("Key").GetString()!);
    }

    /// <summary>The endpoint joined to <paramref name="sandbox"/> on <paramref name="network"/>.</summary>
    public async Task<JsonElement> EndpointAsync(string sandbox, string network)
    {
        using var response = await Http.GetAsync($"/cnm/v1/endpoints?sandbox={sandbox}&network={network}");
        var list = await NativeEndpointTests.ReadAsync(response, HttpStatusCode.OK);
        return Assert.Single(list.EnumerateArray());
    }

    /// <summary>When set and it answers non-null, that is the Join reply instead of the veth one (no veth is made).</summary>
    public Func<PluginCall, string?>? JoinOverride { get; set; }

    /// <summary>When set, edits the veth Join reply (after the veth is made) before it is sent.</summary>
    public Action<JsonObject>? JoinEdit { get; set; }

    /// <summary>When set, the MAC address the plugin answers at CreateEndpoint.</summary>
    public string? MacOverride { get; set; }

    private string Join(PluginCall call)
    {
        if (JoinOverride?.Invoke(call) is { } custom)
        {
            return custom;
        }

        var eid = call.Text("EndpointID")!;
        var (gateway, octet) = _networks[call.Text("NetworkID")!];
        var id = eid[..8];
        if (Host.FindLink("c" + id) is null) // a join again after a leave (or an undone join) finds its veth still there
        {
            Host.CreateVeth("h" + id, "c" + id);
        }

        var outer = Host.GetLink("h" + id);
        if (Host.FindLink(Bridge) is { } bridge)
        {
            Host.SetMaster(outer.Index, bridge.Index);
        }

        Host.SetUp(outer.Index);
        var reply = new JsonObject
        {
            ["InterfaceName"] = new JsonObject { ["SrcName"] = "c" + id, ["DstPrefix"] = "eth" },
            ["Gateway"] = gateway,
            ["StaticRoutes"] = new JsonArray(
                new JsonObject { ["Destination"] = $"10.{octet + 1}.0.0/16", ["RouteType"] = 0, ["NextHop"] = $"10.{octet}.0.9" },
                new JsonObject { ["Destination"] = $"10.{octet + 2}.0.0/16", ["RouteType"] = 1 }),
        };
        JoinEdit?.Invoke(reply);
        return reply.ToJsonString();
    }

    private string DeleteEndpoint(string reply)
    {
        var eid = Plugin.CallsTo(PluginMethods.Network.DeleteEndpoint)[^1].Text("EndpointID")!;
        var id = eid[..8];
        var inner = Host.FindLink("c" + id);
        BackAtDelete[eid] = inner is not null && inner.Alias is null or "" && !inner.IsUp;
        if (Host.FindLink("h" + id) is { } outer)
        {
            try
            {
                Host.DeleteLink(outer.Index); // its peer goes with it
            }
            catch (NetlinkException ex) when (ex.Errno == Errnos.ENODEV)
            {
                // its peer was in a namespace deleted a moment ago: the kernel removes the pair in the background
            }
        }

        return reply;
    }

    /// <summary>Links of the host namespace other than loopback and the test's bridge.</summary>
    public IReadOnlyList<string> HostLinks() => [.. Host.GetLinks().Select(l => l.Name).Where(n => n is not "lo" and not Bridge).Order(StringComparer.Ordinal)];

    /// <summary>Mount points under the test's directory.</summary>
    public IReadOnlyList<string> Mounts() =>
        [.. File.ReadLines("/proc/self/mountinfo").Select(l => l.Split(' ')[4]).Where(p => p.StartsWith(Layout.Temp.Path + "/", StringComparison.Ordinal))];

    /// <summary>Files and directories under the exec root's netns and sandboxes directories.</summary>
    public IReadOnlyList<string> ExecRootEntries() =>
        [.. new[] { "netns", "sandboxes" }.Select(d => Path.Combine(ExecRoot, d)).Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFileSystemEntries(d, "*", SearchOption.AllDirectories))];

    /// <summary>Set by a test whose body failed: dispose still cleans up, but does not hide that failure behind a leak report.</summary>
    public bool Failed { get; set; }

    /// <summary>Runs a test's body; when it fails, sets <see cref="Failed"/> and rethrows, so that dispose still cleans up but the body's failure is the one reported.</summary>
    public async Task GuardAsync(Func<Task> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            await body();
        }
        catch
        {
            Failed = true;
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        Daemon?.Dispose();
        await Plugin.DisposeAsync();
        var links = HostLinks();
        Host.Dispose();
        var mounts = Mounts().Where(m => m != HostNs).ToList();
        var entries = ExecRootEntries();
        foreach (var mount in mounts)
        {
            NetworkNamespace.Delete(mount); // clean up what a failed test left, then report it
        }

        NetworkNamespace.Delete(HostNs);
        var left = Mounts();
        Layout.Dispose();
        if (Failed)
        {
            return;
        }

        Assert.Empty(mounts);
        Assert.Empty(entries);
        Assert.Empty(links);
        Assert.Empty(left);
    }
}
