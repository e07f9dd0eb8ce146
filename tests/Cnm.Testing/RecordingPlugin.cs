using System.Text.Json;
using System.Text.Json.Nodes;
using Cnm.Protocol;

namespace Cnm.Testing;

/// <summary>
/// A real plugin on a unix socket (a <see cref="PluginServer"/>) that implements both <c>NetworkDriver</c> and
/// <c>IpamDriver</c>. It records every call in arrival order, keeps its own view of what it holds (networks,
/// endpoints, joins, pools and addresses: created minus deleted), and lets a test inject faults: fail the
/// Nth call from now, fail a method, hold a method for one network until released, answer a method with a
/// raw reply, or rewrite the reply of a method it handled.
/// </summary>
/// <remarks>
/// A failed or raw-answered call changes nothing in the plugin's view, as a plugin that refuses a request
/// would. A rewritten reply is sent after the plugin did its work, so what it holds is what a real plugin
/// that answered badly would hold. The state survives <see cref="StopAsync"/> and <see cref="StartAsync()"/>:
/// it is a plugin that persists its state across restarts, as the protocol asks of plugins.
/// </remarks>
public sealed partial class RecordingPlugin : IAsyncDisposable
{
    private static readonly string[] NetworkMethods = [.. PluginMethods.Network.All];
    private static readonly string[] IpamMethods = [.. PluginMethods.Ipam.All];

    private readonly Lock _lock = new();
    private readonly List<PluginCall> _calls = [];
    private int _sequence;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private PluginServer? _server;

    private RecordingPlugin(string socketPath)
    {
        SocketPath = socketPath;
        Name = Path.GetFileNameWithoutExtension(socketPath);
    }

    /// <summary>The plugin name: the socket file name without <c>.sock</c>.</summary>
    public string Name { get; }

    public string SocketPath { get; }

    /// <summary>True while the server is listening.</summary>
    public bool IsRunning => _server is not null;

    /// <summary>The <c>Implements</c> list of <c>Plugin.Activate</c>, in this order.</summary>
    public IReadOnlyList<string> Implements { get; set; } = [PluginInterfaces.NetworkDriver, PluginInterfaces.IpamDriver];

    /// <summary><c>Scope</c> of <c>NetworkDriver.GetCapabilities</c>; null leaves it out.</summary>
    public string? Scope { get; set; } = "local";

    /// <summary><c>ConnectivityScope</c> of <c>NetworkDriver.GetCapabilities</c>; null leaves it out.</summary>
    public string? ConnectivityScope { get; set; }

    /// <summary>Creates and starts a plugin at <paramref name="socketPath"/>; <paramref name="configure"/> runs before it listens.</summary>
    public static async Task<RecordingPlugin> StartAsync(string socketPath, Action<RecordingPlugin>? configure = null)
    {
        var plugin = new RecordingPlugin(socketPath);
        configure?.Invoke(plugin);
        await plugin.StartAsync().ConfigureAwait(false);
        return plugin;
    }

    /// <summary>Starts listening again (after <see cref="StopAsync"/>) on the same socket, with the same state.</summary>
    public async Task StartAsync()
    {
        if (_server is not null)
        {
            throw new InvalidOperationException($"plugin {Name} is already running");
        }

        _server = await PluginServer.StartUnixAsync(SocketPath, server =>
        {
            foreach (var method in NetworkMethods.Concat(IpamMethods).Append(PluginMethods.Activate))
            {
                server.Map(method, (request, cancellationToken) => HandleAsync(method, request, cancellationToken));
            }
        }).ConfigureAwait(false);
    }

    /// <summary>Stops listening and removes the socket file; held calls are released first.</summary>
    public async Task StopAsync()
    {
        ReleaseStalls();
        if (_server is { } server)
        {
            _server = null;
            await server.DisposeAsync().ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    /// <summary>Every call so far, in arrival order.</summary>
    public IReadOnlyList<PluginCall> Calls
    {
        get
        {
            lock (_lock)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>The methods of <see cref="Calls"/>, in order.</summary>
    public IReadOnlyList<string> Methods => [.. Calls.Select(c => c.Method)];

    /// <summary>Calls of one method, in order.</summary>
    public IReadOnlyList<PluginCall> CallsTo(string method) => [.. Calls.Where(c => c.Method == method)];

    /// <summary>Forgets the recorded calls (not the state).</summary>
    public void ClearCalls()
    {
        lock (_lock)
        {
            _calls.Clear();
        }
    }

    /// <summary>Waits until <paramref name="count"/> calls of <paramref name="method"/> are recorded (since the last clear).</summary>
    public async Task WaitForCallsAsync(string method, int count = 1, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (_calls.Count(c => c.Method == method) >= count)
                {
                    return;
                }

                changed = _changed.Task;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"plugin {Name} did not receive {count} call(s) of {method}; it received: {string.Join(", ", Methods)}");
            }

            await Task.WhenAny(changed, Task.Delay(left)).ConfigureAwait(false);
        }
    }

    private async Task<PluginReply> HandleAsync(string method, RecordedRequest request, CancellationToken cancellationToken)
    {
        var call = Record(method, request, out var fault);
        foreach (var stall in StallsFor(call))
        {
            await stall.HoldAsync(cancellationToken).ConfigureAwait(false);
        }

        if (fault is not null)
        {
            return fault;
        }

        JsonElement body = default;
        if (call.Body.Trim().Length > 0)
        {
            try
            {
                body = call.Json();
            }
            catch (JsonException ex)
            {
                return Failure(method, $"bad request body: {ex.Message}", 400);
            }
        }

        PluginReply reply;
        Func<string, string>? rewrite;
        lock (_lock)
        {
            reply = Dispatch(method, body);
            rewrite = reply.Status == 200 && !IsError(reply) ? _rewrites.GetValueOrDefault(method) : null;
        }

        return rewrite is null || reply.Body is null ? reply : reply with { Body = rewrite(reply.Body) };
    }

    private PluginCall Record(string method, RecordedRequest request, out PluginReply? fault)
    {
        lock (_lock)
        {
            var call = new PluginCall(_sequence++, method, request.BodyText) { Bytes = request.Body };
            _calls.Add(call);
            fault = FaultFor(call);
            var changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            changed.TrySetResult();
            return call;
        }
    }

    private PluginReply Dispatch(string method, JsonElement body) => method switch
    {
        PluginMethods.Activate => Json(new JsonObject { [ImplementsMember] = new JsonArray([.. Implements.Select(i => JsonValue.Create(i))]) }),
        PluginMethods.Network.GetCapabilities => Capabilities(),
        PluginMethods.Network.CreateNetwork => CreateNetwork(body),
        PluginMethods.Network.DeleteNetwork => DeleteNetwork(body),
        PluginMethods.Network.CreateEndpoint => CreateEndpoint(body),
        PluginMethods.Network.DeleteEndpoint => DeleteEndpoint(body),
        PluginMethods.Network.EndpointOperInfo => EndpointOperInfo(body),
        PluginMethods.Network.Join => Join(body),
        PluginMethods.Network.Leave => Leave(body),
        PluginMethods.Network.ProgramExternalConnectivity => ProgramExternalConnectivity(body),
        PluginMethods.Network.RevokeExternalConnectivity => RevokeExternalConnectivity(body),
        PluginMethods.Ipam.GetCapabilities => IpamCapabilities(),
        PluginMethods.Ipam.GetDefaultAddressSpaces => DefaultAddressSpaces(),
        PluginMethods.Ipam.RequestPool => RequestPool(body),
        PluginMethods.Ipam.ReleasePool => ReleasePool(body),
        PluginMethods.Ipam.RequestAddress => RequestAddress(body),
        PluginMethods.Ipam.ReleaseAddress => ReleaseAddress(body),
        _ => Empty, // AllocateNetwork, FreeNetwork, DiscoverNew, DiscoverDelete: nothing to hold
    };

    private static readonly PluginReply Empty = PluginReply.Json("{}");

    // Wire member names (the Go field names), which happen to match property names here.
    private const string ImplementsMember = "Implements";
    private const string ScopeMember = "Scope";
    private const string ConnectivityScopeMember = "ConnectivityScope";

    private static PluginReply Json(JsonObject body) => PluginReply.Json(body.ToJsonString());

    private static bool IsIpam(string method) => method.StartsWith("IpamDriver.", StringComparison.Ordinal);

    /// <summary>A refusal as the protocol has it: <c>Error</c> for IPAM methods, <c>Err</c> otherwise; non-200 always <c>Err</c>.</summary>
    private static PluginReply Failure(string method, string message, int status = 200) =>
        Json(new JsonObject { [status == 200 && IsIpam(method) ? "Error" : "Err"] = message }) with { Status = status };

    private static bool IsError(PluginReply reply)
    {
        if (reply.Body is null)
        {
            return false;
        }

        using var document = JsonDocument.Parse(reply.Body);
        return document.RootElement.ValueKind == JsonValueKind.Object
            && (HasText(document.RootElement, "Err") || HasText(document.RootElement, "Error"));
    }

    private static bool HasText(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 0;

    private static string Text(JsonElement body, string name) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : "";

    private PluginReply Capabilities()
    {
        var reply = new JsonObject();
        if (Scope is not null)
        {
            reply[ScopeMember] = Scope;
        }

        if (ConnectivityScope is not null)
        {
            reply[ConnectivityScopeMember] = ConnectivityScope;
        }

        return Json(reply);
    }
}
