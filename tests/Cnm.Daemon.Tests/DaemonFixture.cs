using Cnm.Testing;

namespace Cnm.Daemon.Tests;

/// <summary>
/// One cnmd per test class, every path in a temp directory, plus a mock network plugin (<c>mockp</c>) in its
/// plugin directory, an HttpClient over the API socket and the docker CLI.
/// </summary>
public sealed class DaemonFixture : IAsyncLifetime
{
    public const string MockPlugin = "mockp";

    /// <summary>A network plugin whose CreateNetwork hangs for 10 s.</summary>
    public const string SlowPlugin = "slowp";

    /// <summary>A plugin that is both network and IPAM driver.</summary>
    public const string MockBoth = "mockboth";

    public TempDirectory Temp { get; } = new("cnmd");

    public string SocketPath => Temp.File("run", "cnmd.sock");

    public string PluginDir => Temp.File("plugins");

    public string SpecDir => Temp.File("specs");

    public DaemonProcess Daemon { get; private set; } = null!;

    public PluginServer Plugin { get; private set; } = null!;

    public PluginServer Both { get; private set; } = null!;

    public PluginServer Slow { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public DockerCli Docker { get; private set; } = null!;

    public IEnumerable<string> Args =>
    [
        "--host", "unix://" + SocketPath,
        "--plugin-dir", PluginDir,
        "--spec-dir", SpecDir,
        "--spec-dir", Temp.File("specs2"),
        "--data-root", Temp.File("data"),
        "--exec-root", Temp.File("exec"),
        "--log-level", "debug",
    ];

    public async Task InitializeAsync()
    {
        Temp.CreateDirectory("plugins", MockBoth);
        Temp.CreateDirectory("specs");
        Plugin = await PluginServer.StartUnixAsync(Path.Combine(PluginDir, MockPlugin + ".sock"), s => s
            .Implements("NetworkDriver")
            .Map("NetworkDriver.GetCapabilities", PluginReply.Json("""{"Scope":"local","ConnectivityScope":"local"}"""))
            .Map("NetworkDriver.CreateNetwork", PluginReply.Json("{}"))
            .Map("NetworkDriver.DeleteNetwork", PluginReply.Json("{}"))
            .Map("NetworkDriver.CreateEndpoint", PluginReply.Json("{}"))
            .Map("NetworkDriver.DeleteEndpoint", PluginReply.Json("{}"))
            .Map("NetworkDriver.Join", PluginReply.Json("{}"))
            .Map("NetworkDriver.Leave", PluginReply.Json("{}")));
        Both = await PluginServer.StartUnixAsync(Path.Combine(PluginDir, MockBoth, MockBoth + ".sock"), s => s
            .Implements("NetworkDriver", "IpamDriver")
            .Map("NetworkDriver.GetCapabilities", PluginReply.Json("""{"Scope":"local"}"""))
            .Map("NetworkDriver.CreateNetwork", PluginReply.Json("{}"))
            .Map("NetworkDriver.DeleteNetwork", PluginReply.Json("{}"))
            .Map("NetworkDriver.CreateEndpoint", PluginReply.Json("{}"))
            .Map("NetworkDriver.DeleteEndpoint", PluginReply.Json("{}"))
            .Map("NetworkDriver.Join", PluginReply.Json("{}"))
            .Map("NetworkDriver.Leave", PluginReply.Json("{}"))
            .Map("IpamDriver.GetCapabilities", PluginReply.Json("""{"RequiresMACAddress":false}"""))
            .Map("IpamDriver.GetDefaultAddressSpaces",
                PluginReply.Json("""{"LocalDefaultAddressSpace":"mockLocal","GlobalDefaultAddressSpace":"mockGlobal"}"""))
            .Map("IpamDriver.RequestPool", PluginReply.Json("""{"PoolID":"mockpool1","Pool":"10.88.0.0/24","Data":{}}"""))
            .Map("IpamDriver.RequestAddress", r =>
            {
                var address = System.Text.Json.JsonDocument.Parse(r.BodyText).RootElement.GetProperty("Address").GetString();
                var answer = string.IsNullOrEmpty(address) ? "10.88.0.1" : address;
                return PluginReply.Json("{\"Address\":\"" + answer + "/24\",\"Data\":{}}");
            })
            .Map("IpamDriver.ReleaseAddress", PluginReply.Json("{}"))
            .Map("IpamDriver.ReleasePool", PluginReply.Json("{}")));
        Slow = await PluginServer.StartUnixAsync(Path.Combine(PluginDir, SlowPlugin + ".sock"), s => s
            .Implements("NetworkDriver")
            .Map("NetworkDriver.GetCapabilities", PluginReply.Json("""{"Scope":"local"}"""))
            .Map("NetworkDriver.CreateNetwork", PluginReply.Json("{}") with { Delay = TimeSpan.FromSeconds(10) })
            .Map("NetworkDriver.DeleteNetwork", PluginReply.Json("{}")));
        Daemon = DaemonProcess.Start(Args);
        await Daemon.WaitReadyAsync();
        Http = CreateClient(SocketPath);
        Docker = new DockerCli(SocketPath, Temp.CreateDirectory("docker-config"));
    }

    public static HttpClient CreateClient(string socketPath) => UnixHttp.CreateClient(socketPath);

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        Daemon?.Dispose();
        if (Plugin is not null)
        {
            await Plugin.DisposeAsync();
        }

        if (Slow is not null)
        {
            await Slow.DisposeAsync();
        }

        if (Both is not null)
        {
            await Both.DisposeAsync();
        }

        Temp.Dispose();
    }
}
