using System.Diagnostics;
using System.Net.Sockets;
using Cnm.Core.Control;
using Cnm.Core.Drivers.BuiltIn;
using Cnm.Core.Model;
using Cnm.Drivers.Remote;
using Cnm.Plugins.Discovery;
using Cnm.Plugins.Registry;
using Cnm.Protocol;
using Cnm.Testing;

namespace Cnm.Benchmarks;

/// <summary>
/// A controller wired exactly as for a real plugin: a Kestrel plugin on a unix socket in a temp
/// directory, found by <see cref="PluginDiscovery"/> in that directory, activated by the
/// <see cref="PluginRegistry"/> and registered by <see cref="RemoteDriverModule"/>. One network of the
/// plugin's driver (built-in default IPAM) and one sandbox; the server times every request it handles.
/// </summary>
internal sealed class LifecycleHarness : IAsyncDisposable
{
    public const string PluginName = "cnmbench";

    /// <summary>The methods one lifecycle calls, in order.</summary>
    public static readonly string[] LifecycleMethods =
    [
        PluginMethods.Network.CreateEndpoint,
        PluginMethods.Network.Join,
        PluginMethods.Network.ProgramExternalConnectivity,
        PluginMethods.Network.RevokeExternalConnectivity,
        PluginMethods.Network.Leave,
        PluginMethods.Network.DeleteEndpoint,
    ];

    private static readonly EndpointCreateOptions EndpointOptions = new() { Name = "ep" };

    private readonly TempDirectory _dir;
    private TimingSet _timings = new();
    private long _timedRequests;
    private PluginRegistry _registry = null!;
    private RemoteDriverModule _remote = null!;

    private LifecycleHarness(TempDirectory dir)
    {
        _dir = dir;
    }

    public PluginServer Server { get; private set; } = null!;

    public Controller Controller { get; private set; } = null!;

    public Network Network { get; private set; } = null!;

    public Sandbox Sandbox { get; private set; } = null!;

    public string SocketPath => Server.SocketPath!;

    /// <summary>
    /// Where the server's handler times go from now on. Swap it only when no request is in flight and
    /// <see cref="WaitForTimingsAsync"/> has returned, so no request lands in the wrong set.
    /// </summary>
    public TimingSet Timings
    {
        get => Volatile.Read(ref _timings);
        set => Volatile.Write(ref _timings, value);
    }

    /// <summary>Requests whose handler time has been recorded, since the server started.</summary>
    public long TimedRequests => Interlocked.Read(ref _timedRequests);

    public static async Task<LifecycleHarness> StartAsync(bool recordRequests)
    {
        var harness = new LifecycleHarness(new TempDirectory("cnm-bench"));
        await harness.InitAsync(recordRequests).ConfigureAwait(false);
        return harness;
    }

    private async Task InitAsync(bool recordRequests)
    {
        Server = await PluginServer.StartUnixAsync(_dir.File(PluginName + ".sock"), s =>
        {
            s.RecordRequests = recordRequests;
            s.Timer = OnRequestTimed;
            s.Implements(PluginInterfaces.NetworkDriver)
                .Map(PluginMethods.Network.GetCapabilities, PluginReply.Json("""{"Scope":"local","ConnectivityScope":"local"}"""))
                .Map(PluginMethods.Network.CreateNetwork, PluginReply.Json("{}"))
                .Map(PluginMethods.Network.DeleteNetwork, PluginReply.Json("{}"))
                .Map(PluginMethods.Network.CreateEndpoint, PluginReply.Json("{}"))
                .Map(PluginMethods.Network.Join, PluginReply.Json("""{"InterfaceName":{"SrcName":"veth0","DstPrefix":"eth"}}"""))
                .Map(PluginMethods.Network.ProgramExternalConnectivity, PluginReply.Json("{}"))
                .Map(PluginMethods.Network.RevokeExternalConnectivity, PluginReply.Json("{}"))
                .Map(PluginMethods.Network.Leave, PluginReply.Json("{}"))
                .Map(PluginMethods.Network.DeleteEndpoint, PluginReply.Json("{}"));
        }).ConfigureAwait(false);

        var discoveryOptions = new PluginDiscoveryOptions { SocketDirectory = _dir.Path };
        discoveryOptions.SpecDirectories.Clear(); // only the temp socket directory, never /etc/docker/plugins
        _registry = new PluginRegistry(new PluginDiscovery(discoveryOptions));
        _remote = new RemoteDriverModule(_registry);
        Controller = await Controller.CreateAsync(new ControllerOptions(), [new BuiltInDriverModule(), _remote]).ConfigureAwait(false);
        Network = await Controller.CreateNetworkAsync(new NetworkCreateOptions { Name = "bench", Driver = PluginName },
            CancellationToken.None).ConfigureAwait(false);
        Sandbox = await Controller.CreateSandboxAsync(new SandboxCreateOptions { ContainerId = new string('c', 64) },
            CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>
    /// One endpoint lifecycle through the controller: create, join, leave, delete. With <paramref name="opTicks"/>,
    /// each operation's time is added to its slot (for the per-operation breakdown).
    /// </summary>
    public Task RunLifecycleAsync(long[]? opTicks = null) =>
        RunLifecycleAsync(Controller, Network.Id, Sandbox.Id, opTicks);

    /// <summary>Create, join, leave and delete one endpoint; with <paramref name="opTicks"/>, each step's time is added to its slot.</summary>
    public static async Task RunLifecycleAsync(Controller controller, string networkId, string sandboxId, long[]? opTicks)
    {
        var t0 = Stopwatch.GetTimestamp();
        var endpoint = await controller.CreateEndpointAsync(networkId, EndpointOptions, CancellationToken.None).ConfigureAwait(false);
        var t1 = Stopwatch.GetTimestamp();
        await controller.JoinAsync(endpoint.Id, sandboxId, CancellationToken.None).ConfigureAwait(false);
        var t2 = Stopwatch.GetTimestamp();
        await controller.LeaveAsync(endpoint.Id, CancellationToken.None).ConfigureAwait(false);
        var t3 = Stopwatch.GetTimestamp();
        await controller.DeleteEndpointAsync(endpoint.Id, force: false, CancellationToken.None).ConfigureAwait(false);
        var t4 = Stopwatch.GetTimestamp();
        if (opTicks is not null)
        {
            opTicks[0] += t1 - t0;
            opTicks[1] += t2 - t1;
            opTicks[2] += t3 - t2;
            opTicks[3] += t4 - t3;
        }
    }

    /// <summary>
    /// The registered driver itself, for calls without the controller: a second <see cref="RemoteNetworkDriver"/>
    /// over the client the registry activated (the same connection pool the controller's driver uses).
    /// </summary>
    public async Task<RemoteNetworkDriver> DirectDriverAsync()
    {
        var plugin = await _registry.GetAsync(PluginName, PluginInterfaces.NetworkDriver, CancellationToken.None).ConfigureAwait(false);
        var connection = new PluginConnection(PluginName);
        connection.Attach(plugin.Client);
        return new RemoteNetworkDriver(connection);
    }

    /// <summary>A bare HttpClient on the plugin's socket: no Cnm code between the caller and the transport.</summary>
    public HttpClient CreateBareClient()
    {
        var path = SocketPath;
        return new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), ct).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            },
        })
        {
            BaseAddress = new Uri("http://" + PluginMediaTypes.Host + "/"),
        };
    }

    /// <summary>
    /// Waits until the server has timed every request it received (its hook runs after the response is
    /// written, so the caller may already have the answer). Call it when no request is in flight.
    /// </summary>
    public async Task WaitForTimingsAsync()
    {
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 5;
        while (TimedRequests < Server.RequestCount && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(1).ConfigureAwait(false);
        }
    }

    /// <summary>Runs one lifecycle with the server recording, and returns what it received, in order.</summary>
    public async Task<IReadOnlyList<RecordedRequest>> CaptureLifecycleAsync()
    {
        var recording = Server.RecordRequests;
        Server.ClearRequests();
        Server.RecordRequests = true;
        await RunLifecycleAsync().ConfigureAwait(false);
        Server.RecordRequests = recording;
        var requests = Server.Requests;
        Server.ClearRequests();
        return requests;
    }

    private void OnRequestTimed(string serviceMethod, long start, long end)
    {
        Timings.Add(serviceMethod, end - start);
        Interlocked.Increment(ref _timedRequests);
    }

    public async ValueTask DisposeAsync()
    {
        _remote.Dispose();
        await _registry.DisposeAsync().ConfigureAwait(false);
        await Server.DisposeAsync().ConfigureAwait(false);
        _dir.Dispose();
    }
}
