using System.Net;
using System.Text;
using System.Text.Json;

namespace Cnm.Daemon.Tests;

/// <summary>
/// One cnmd node of a cluster test (spec/cluster.md): its own data root, API socket and plugin directory, in-memory
/// sandboxes, and two recording plugins in its plugin directory, <c>gdrv</c> (scope global) and <c>ldrv</c> (scope local).
/// </summary>
public sealed class ClusterNode : IAsyncDisposable
{
    public const string GlobalDriver = "gdrv";

    public const string LocalDriver = "ldrv";

    private ClusterNode(string name, DaemonLayout layout, RecordingPlugin global, RecordingPlugin local, DaemonProcess daemon, string[] args)
    {
        _args = args;
        Name = name;
        Layout = layout;
        Global = global;
        Local = local;
        Daemon = daemon;
        Http = UnixHttp.CreateClient(layout.Socket);
        Docker = new DockerCli(layout.Socket, layout.Temp.CreateDirectory("docker-config"));
    }

    private readonly string[] _args;

    public string Name { get; }

    public DaemonLayout Layout { get; }

    /// <summary>The global-scope network plugin of this node.</summary>
    public RecordingPlugin Global { get; }

    /// <summary>A local-scope network plugin of this node.</summary>
    public RecordingPlugin Local { get; }

    public DaemonProcess Daemon { get; private set; }

    public HttpClient Http { get; }

    public DockerCli Docker { get; }

    /// <summary>
    /// Starts the plugins and cnmd with <c>--cluster-store <paramref name="endpoints"/></c> and <c>--advertise-addr <paramref name="advertise"/></c>
    /// (and <paramref name="extraArgs"/>), and waits until it serves.
    /// </summary>
    public static async Task<ClusterNode> StartAsync(string name, string endpoints, string advertise = "127.0.0.1", IReadOnlyList<string>? extraArgs = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var layout = new DaemonLayout("cnm-cluster-" + name);
        var global = await RecordingPlugin.StartAsync(Path.Combine(layout.PluginDir, GlobalDriver + ".sock"), p =>
        {
            p.Implements = [Cnm.Protocol.PluginInterfaces.NetworkDriver];
            p.Scope = "global";
        });
        var local = await RecordingPlugin.StartAsync(Path.Combine(layout.PluginDir, LocalDriver + ".sock"), p =>
            p.Implements = [Cnm.Protocol.PluginInterfaces.NetworkDriver]);
        string[] args = [.. layout.Args, "--sandbox", "memory", "--log-level", "debug",
            "--cluster-store", endpoints, "--node-name", name, "--advertise-addr", advertise, .. extraArgs ?? []];
        var daemon = DaemonProcess.Start(args, environment);
        var node = new ClusterNode(name, layout, global, local, daemon, args);
        await daemon.WaitReadyAsync(TimeSpan.FromSeconds(60));
        return node;
    }

    /// <summary>Starts cnmd again on the same data root and flags (the previous process must have exited), and waits until it serves.</summary>
    public async Task RestartAsync()
    {
        Assert.True(Daemon.HasExited, $"node {Name} still runs");
        Daemon.Dispose();
        Daemon = DaemonProcess.Start(_args);
        await Daemon.WaitReadyAsync(TimeSpan.FromSeconds(60));
    }

    public static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>POSTs <paramref name="json"/> and returns the status and the parsed body.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, string json)
    {
        using var response = await Http.PostAsync(path, Body(json));
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(string.IsNullOrEmpty(text) ? "{}" : text);
        return (response.StatusCode, document.RootElement.Clone());
    }

    /// <summary>GETs <paramref name="path"/>, which must answer 200.</summary>
    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} on node {Name}: {response.StatusCode} {text}");
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>The names of <c>docker network ls</c> on this node.</summary>
    public async Task<string[]> NetworkNamesAsync()
    {
        var result = await Docker.RunAsync("network", "ls", "--format", "{{.Name}}");
        Assert.True(result.ExitCode == 0, $"docker network ls on node {Name}: {result}");
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes (then fails with <paramref name="what"/>).</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Daemon.Dispose();
        await Global.DisposeAsync();
        await Local.DisposeAsync();
        Layout.Dispose();
    }
}
