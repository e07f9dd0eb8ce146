using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Cnm.Core.Control;
using Cnm.Core.Drivers;
using Cnm.Core.Drivers.BuiltIn;
using Cnm.Core.Model;
using Cnm.Core.Net;
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
    public async Task RunLifecycleAsync(long[]? opTicks = null)
    {
        var t0 = Stopwatch.GetTimestamp();
        var endpoint = await Controller.CreateEndpointAsync(Network.Id, EndpointOptions, CancellationToken.None).ConfigureAwait(false);
        var t1 = Stopwatch.GetTimestamp();
        await Controller.JoinAsync(endpoint.Id, Sandbox.Id, CancellationToken.None).ConfigureAwait(false);
        var t2 = Stopwatch.GetTimestamp();
        await Controller.LeaveAsync(endpoint.Id, CancellationToken.None).ConfigureAwait(false);
        var t3 = Stopwatch.GetTimestamp();
        await Controller.DeleteEndpointAsync(endpoint.Id, force: false, CancellationToken.None).ConfigureAwait(false);
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

/// <summary>Time spent in the server's handler: in total and per method (count and Stopwatch ticks).</summary>
internal sealed class TimingSet
{
    private readonly Dictionary<string, MethodTiming> _methods =
        LifecycleHarness.LifecycleMethods.ToDictionary(m => m, _ => new MethodTiming(), StringComparer.Ordinal);

    private readonly MethodTiming _total = new();
    private readonly MethodTiming _other = new();

    public long Count => _total.Count;

    public long Ticks => _total.Ticks;

    public MethodTiming Method(string serviceMethod) => _methods.GetValueOrDefault(serviceMethod) ?? _other;

    public void Add(string serviceMethod, long ticks)
    {
        Method(serviceMethod).Add(ticks);
        _total.Add(ticks);
    }

    internal sealed class MethodTiming
    {
        private long _count;
        private long _ticks;

        public long Count => Interlocked.Read(ref _count);

        public long Ticks => Interlocked.Read(ref _ticks);

        public void Add(long ticks)
        {
            Interlocked.Add(ref _ticks, ticks);
            Interlocked.Increment(ref _count);
        }
    }
}

/// <summary>
/// The six calls of one lifecycle made on the remote driver itself, with what the controller would pass
/// (a fixed endpoint id and IPv4 address instead of new ones): the driver and client cost without the controller.
/// </summary>
internal sealed class DirectRound(RemoteNetworkDriver driver, string networkId, string sandboxKey)
{
    private static readonly IpPrefix Address = IpPrefix.Parse("172.18.0.2/16");
    private readonly string _endpointId = new('e', 64);

    /// <summary>One round; with <paramref name="callTicks"/>, each call's time is added to its slot (the order of <see cref="LifecycleHarness.LifecycleMethods"/>).</summary>
    public async Task RunAsync(long[]? callTicks = null)
    {
        var ct = CancellationToken.None;
        var (nid, eid) = (networkId, _endpointId);
        var t0 = Stopwatch.GetTimestamp();
        await driver.CreateEndpointAsync(new CreateEndpointRequest(nid, eid, GenericOptions.Empty), new EndpointInterface(Address, null, null), ct)
            .ConfigureAwait(false);
        var t1 = Stopwatch.GetTimestamp();
        await driver.JoinAsync(new JoinRequest(nid, eid, sandboxKey, GenericOptions.Empty), new JoinInfo(), ct).ConfigureAwait(false);
        var t2 = Stopwatch.GetTimestamp();
        await driver.ProgramExternalConnectivityAsync(nid, eid, GenericOptions.Empty, ct).ConfigureAwait(false);
        var t3 = Stopwatch.GetTimestamp();
        await driver.RevokeExternalConnectivityAsync(nid, eid, ct).ConfigureAwait(false);
        var t4 = Stopwatch.GetTimestamp();
        await driver.LeaveAsync(nid, eid, ct).ConfigureAwait(false);
        var t5 = Stopwatch.GetTimestamp();
        await driver.DeleteEndpointAsync(nid, eid, ct).ConfigureAwait(false);
        var t6 = Stopwatch.GetTimestamp();
        if (callTicks is not null)
        {
            callTicks[0] += t1 - t0;
            callTicks[1] += t2 - t1;
            callTicks[2] += t3 - t2;
            callTicks[3] += t4 - t3;
            callTicks[4] += t5 - t4;
            callTicks[5] += t6 - t5;
        }
    }
}

/// <summary>
/// The requests of one captured lifecycle sent again, byte for byte (path, body, Accept and User-Agent), with a
/// bare <see cref="HttpClient"/>: what a host with no code of its own would pay for the transport.
/// </summary>
internal sealed class BareReplay(HttpClient client, IReadOnlyList<RecordedRequest> requests)
{
    private const string GoUserAgent = "Go-http-client/1.1";
    private readonly (Uri Uri, byte[] Body)[] _requests =
        [.. requests.Select(r => (new Uri(r.ServiceMethod, UriKind.Relative), r.Body))];

    public int Count => _requests.Length;

    public async Task RunAsync(long[]? callTicks = null)
    {
        for (var i = 0; i < _requests.Length; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            using var request = new HttpRequestMessage(HttpMethod.Post, _requests[i].Uri);
            request.Headers.TryAddWithoutValidation("Accept", PluginMediaTypes.Accept);
            request.Headers.TryAddWithoutValidation("User-Agent", GoUserAgent);
            request.Content = new ByteArrayContent(_requests[i].Body);
            using var response = await client.SendAsync(request).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            _ = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            if (callTicks is not null)
            {
                callTicks[i] += Stopwatch.GetTimestamp() - t0;
            }
        }
    }
}

/// <summary>
/// The same lifecycle through a second controller whose network driver is given directly, registered by a
/// non-built-in module (so the controller treats it as it treats a plugin: gateway endpoint, Program and
/// Revoke are called too). With <see cref="CountingDriver"/> it is the controller's own cost with no plugin
/// and no I/O; with <see cref="TimedDriver"/> over the remote driver it splits a lifecycle into time inside
/// the driver and the controller's own time around it.
/// </summary>
internal sealed class SideController
{
    private static readonly EndpointCreateOptions EndpointOptions = new() { Name = "ep" };

    private SideController(Controller controller, Network network, Sandbox sandbox)
    {
        Controller = controller;
        Network = network;
        Sandbox = sandbox;
    }

    public Controller Controller { get; }

    public Network Network { get; }

    public Sandbox Sandbox { get; }

    public static async Task<SideController> StartAsync(INetworkDriver driver)
    {
        var controller = await Controller.CreateAsync(new ControllerOptions(), [new BuiltInDriverModule(), new Module(driver)])
            .ConfigureAwait(false);
        var network = await controller.CreateNetworkAsync(new NetworkCreateOptions { Name = "bench", Driver = Module.DriverName },
            CancellationToken.None).ConfigureAwait(false);
        var sandbox = await controller.CreateSandboxAsync(new SandboxCreateOptions { ContainerId = new string('c', 64) },
            CancellationToken.None).ConfigureAwait(false);
        return new SideController(controller, network, sandbox);
    }

    /// <summary>As <see cref="LifecycleHarness.RunLifecycleAsync"/>.</summary>
    public async Task RunAsync(long[]? opTicks = null)
    {
        var t0 = Stopwatch.GetTimestamp();
        var endpoint = await Controller.CreateEndpointAsync(Network.Id, EndpointOptions, CancellationToken.None).ConfigureAwait(false);
        var t1 = Stopwatch.GetTimestamp();
        await Controller.JoinAsync(endpoint.Id, Sandbox.Id, CancellationToken.None).ConfigureAwait(false);
        var t2 = Stopwatch.GetTimestamp();
        await Controller.LeaveAsync(endpoint.Id, CancellationToken.None).ConfigureAwait(false);
        var t3 = Stopwatch.GetTimestamp();
        await Controller.DeleteEndpointAsync(endpoint.Id, force: false, CancellationToken.None).ConfigureAwait(false);
        var t4 = Stopwatch.GetTimestamp();
        if (opTicks is not null)
        {
            opTicks[0] += t1 - t0;
            opTicks[1] += t2 - t1;
            opTicks[2] += t3 - t2;
            opTicks[3] += t4 - t3;
        }
    }

    private sealed class Module(INetworkDriver driver) : IDriverModule
    {
        public const string DriverName = "sidenet";

        public string Name => "side";

        public bool IsBuiltIn => false;

        public Task InitializeAsync(IDriverRegistrar registrar, CancellationToken cancellationToken)
        {
            registrar.RegisterNetworkDriver(DriverName, driver, new DriverCapability(DriverScope.Local, DriverScope.Local));
            return Task.CompletedTask;
        }
    }
}

/// <summary>Answers every call at once, like the plugin's handlers (Join names the interface), and counts the calls.</summary>
internal sealed class CountingDriver : INetworkDriver, IExternalConnectivityDriver
{
    private long _calls;

    public long Calls => Interlocked.Read(ref _calls);

    public Task CreateNetworkAsync(CreateNetworkRequest request, CancellationToken cancellationToken) => Count();

    public Task DeleteNetworkAsync(string networkId, CancellationToken cancellationToken) => Count();

    public Task CreateEndpointAsync(CreateEndpointRequest request, IEndpointInterface endpointInterface, CancellationToken cancellationToken) =>
        Count();

    public Task<IReadOnlyDictionary<string, System.Text.Json.JsonElement>> EndpointOperInfoAsync(string networkId, string endpointId,
        CancellationToken cancellationToken) => Task.FromResult(GenericOptions.Empty);

    public Task DeleteEndpointAsync(string networkId, string endpointId, CancellationToken cancellationToken) => Count();

    public Task JoinAsync(JoinRequest request, IJoinInfo joinInfo, CancellationToken cancellationToken)
    {
        joinInfo.SetInterfaceName("veth0", "eth");
        return Count();
    }

    public Task LeaveAsync(string networkId, string endpointId, CancellationToken cancellationToken) => Count();

    public Task ProgramExternalConnectivityAsync(string networkId, string endpointId,
        IReadOnlyDictionary<string, System.Text.Json.JsonElement> options, CancellationToken cancellationToken) => Count();

    public Task RevokeExternalConnectivityAsync(string networkId, string endpointId, CancellationToken cancellationToken) => Count();

    private Task Count()
    {
        Interlocked.Increment(ref _calls);
        return Task.CompletedTask;
    }
}

/// <summary>
/// The remote driver with a stopwatch around each call the controller makes: from the controller calling
/// the driver to the driver's task completing (the controller's continuation starts right after).
/// </summary>
internal sealed class TimedDriver(RemoteNetworkDriver inner) : INetworkDriver, IExternalConnectivityDriver
{
    private long _calls;

    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>Ticks inside the driver, per lifecycle step (the order of <see cref="LifecycleHarness.LifecycleMethods"/>).</summary>
    public long[] CallTicks { get; } = new long[LifecycleHarness.LifecycleMethods.Length];

    public void Reset() => Array.Clear(CallTicks);

    public Task CreateNetworkAsync(CreateNetworkRequest request, CancellationToken cancellationToken) =>
        inner.CreateNetworkAsync(request, cancellationToken);

    public Task DeleteNetworkAsync(string networkId, CancellationToken cancellationToken) => inner.DeleteNetworkAsync(networkId, cancellationToken);

    public Task CreateEndpointAsync(CreateEndpointRequest request, IEndpointInterface endpointInterface, CancellationToken cancellationToken) =>
        TimeAsync(0, () => inner.CreateEndpointAsync(request, endpointInterface, cancellationToken));

    public Task<IReadOnlyDictionary<string, System.Text.Json.JsonElement>> EndpointOperInfoAsync(string networkId, string endpointId,
        CancellationToken cancellationToken) => inner.EndpointOperInfoAsync(networkId, endpointId, cancellationToken);

    public Task JoinAsync(JoinRequest request, IJoinInfo joinInfo, CancellationToken cancellationToken) =>
        TimeAsync(1, () => inner.JoinAsync(request, joinInfo, cancellationToken));

    public Task ProgramExternalConnectivityAsync(string networkId, string endpointId,
        IReadOnlyDictionary<string, System.Text.Json.JsonElement> options, CancellationToken cancellationToken) =>
        TimeAsync(2, () => inner.ProgramExternalConnectivityAsync(networkId, endpointId, options, cancellationToken));

    public Task RevokeExternalConnectivityAsync(string networkId, string endpointId, CancellationToken cancellationToken) =>
        TimeAsync(3, () => inner.RevokeExternalConnectivityAsync(networkId, endpointId, cancellationToken));

    public Task LeaveAsync(string networkId, string endpointId, CancellationToken cancellationToken) =>
        TimeAsync(4, () => inner.LeaveAsync(networkId, endpointId, cancellationToken));

    public Task DeleteEndpointAsync(string networkId, string endpointId, CancellationToken cancellationToken) =>
        TimeAsync(5, () => inner.DeleteEndpointAsync(networkId, endpointId, cancellationToken));

    private async Task TimeAsync(int step, Func<Task> call)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            await call().ConfigureAwait(false);
        }
        finally
        {
            CallTicks[step] += Stopwatch.GetTimestamp() - start;
            Interlocked.Increment(ref _calls);
        }
    }
}

/// <summary>CPU time of the whole process (every thread, the plugin server's too), and of the whole machine.</summary>
internal static class CpuClock
{
    private const int ClockProcessCpuTimeId = 2;

    /// <summary>Nanoseconds of CPU this process has used (clock_gettime(CLOCK_PROCESS_CPUTIME_ID)).</summary>
    public static long ProcessNanoseconds()
    {
        return clock_gettime(ClockProcessCpuTimeId, out var ts) == 0 ? ts.Seconds * 1_000_000_000 + ts.Nanoseconds : 0;
    }

    /// <summary>Busy and steal jiffies (1/100 s) of the whole machine, from <c>/proc/stat</c>; zeros where it cannot be read.</summary>
    public static (long Busy, long Steal) MachineJiffies()
    {
        try
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // cpu user nice system idle iowait irq softirq steal ...
            var v = fields.Skip(1).Select(f => long.Parse(f, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            return (v[0] + v[1] + v[2] + v[5] + v[6], v.Length > 7 ? v[7] : 0);
        }
        catch (IOException)
        {
            return (0, 0);
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", SetLastError = false)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int clock_gettime(int clockId, out TimeSpec timeSpec);
}
