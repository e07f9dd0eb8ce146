using System.Collections.Concurrent;
using Cnm.Protocol;

namespace Cnm.Plugins.Testing;

/// <summary>
/// A scripted Docker plugin for integration tests. By default it is a working network driver and IPAM (objects kept
/// in memory); each <see cref="On"/> line changes how one method answers. It records every call, and serves on a
/// unix socket, on TCP through WireMock.Net with a <c>.spec</c> file, or in memory.
/// </summary>
/// <example>
/// <code>
/// await using var plugin = await MockPlugin.Create().On(PluginMethods.Network.Join).Fail("no veth").StartInMemoryAsync();
/// using var client = plugin.CreateClient();
/// plugin.AssertSequence(PluginMethods.Activate, PluginMethods.Network.GetCapabilities);
/// </code>
/// </example>
public sealed partial class MockPlugin : IAsyncDisposable
{
    /// <summary>The local default address space of the default IPAM script.</summary>
    public const string LocalAddressSpace = "MockLocal";

    /// <summary>The global default address space of the default IPAM script.</summary>
    public const string GlobalAddressSpace = "MockGlobal";

    private readonly ConcurrentQueue<MockRule> _rules = new();
    private readonly ConcurrentQueue<MockCall> _calls = new();
    private long _sequence;

    private MockPlugin(string name)
    {
        Name = name;
        Defaults = new MockDefaults(this);
    }

    /// <summary>The plugin name (the socket or spec file name without extension).</summary>
    public string Name { get; }

    /// <summary>What <c>Plugin.Activate</c> lists. Default: <c>NetworkDriver</c> and <c>IpamDriver</c>.</summary>
    public IReadOnlyList<string> Implements { get; set; } = [PluginInterfaces.NetworkDriver, PluginInterfaces.IpamDriver];

    /// <summary>The network driver's <c>Scope</c>. Default <c>local</c>.</summary>
    public string Scope { get; set; } = "local";

    /// <summary>The network driver's <c>ConnectivityScope</c>; null (the default) leaves it out.</summary>
    public string? ConnectivityScope { get; set; }

    /// <summary>What the IPAM's <c>GetCapabilities</c> says about <c>RequiresMACAddress</c>. Default false.</summary>
    public bool RequiresMacAddress { get; set; }

    /// <summary>Every call so far, in the order they arrived.</summary>
    public IReadOnlyList<MockCall> Calls => [.. _calls];

    /// <summary>The service methods called so far, in order.</summary>
    public IReadOnlyList<string> Methods => [.. _calls.Select(c => c.Method)];

    internal MockDefaults Defaults { get; }

    /// <summary>A plugin with the default script.</summary>
    public static MockPlugin Create(string name = "mock")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new MockPlugin(name);
    }

    /// <summary>Starts a rule for <paramref name="method"/>; finish it with Answer, Fail, Hang, Drop …</summary>
    public MockRule On(string method)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(method);
        return new MockRule(this, method);
    }

    /// <summary>Makes the IPAM declare <c>RequiresMACAddress</c> (the host then sends the MAC in RequestAddress options).</summary>
    public MockPlugin RequireMacAddress()
    {
        RequiresMacAddress = true;
        return this;
    }

    /// <summary>Only the network driver: <c>Plugin.Activate</c> lists <c>NetworkDriver</c>, IPAM paths answer 404.</summary>
    public MockPlugin NetworkOnly()
    {
        Implements = [PluginInterfaces.NetworkDriver];
        return this;
    }

    /// <summary>Only the IPAM: <c>Plugin.Activate</c> lists <c>IpamDriver</c>, network paths answer 404.</summary>
    public MockPlugin IpamOnly()
    {
        Implements = [PluginInterfaces.IpamDriver];
        return this;
    }

    /// <summary>The calls to <paramref name="method"/>.</summary>
    public IReadOnlyList<MockCall> CallsTo(string method) => [.. _calls.Where(c => c.Method == method)];

    /// <summary>Forgets the calls recorded so far (rules and state stay).</summary>
    public void ClearCalls() => _calls.Clear();

    /// <summary>Waits until <paramref name="method"/> has been called <paramref name="count"/> times; throws after <paramref name="timeout"/> (default 10 s).</summary>
    public async Task<MockCall> WaitForCallAsync(string method, int count = 1, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var calls = CallsTo(method);
            if (calls.Count >= count)
            {
                return calls[count - 1];
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new MockAssertionException(
                    $"{method} was called {calls.Count} time(s), waited for {count}; calls so far: {Describe(Methods)}");
            }

            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
    }

    internal void Add(MockRule rule) => _rules.Enqueue(rule);

    /// <summary>Records a call and decides its reply: the first rule for the method with uses left, else the default.</summary>
    internal MockReply Handle(string method, string httpMethod, IReadOnlyDictionary<string, string> headers, byte[] body,
        string connectionId)
    {
        var call = new MockCall(Interlocked.Increment(ref _sequence), method, httpMethod, headers, body, connectionId);
        _calls.Enqueue(call);
        foreach (var rule in _rules)
        {
            if (rule.Method == method && (rule.Condition?.Invoke(call) ?? true) && rule.TryTake())
            {
                var reply = rule.Reply!(call);
                return rule.Delay > TimeSpan.Zero ? reply with { Delay = rule.Delay } : reply;
            }
        }

        return Defaults.Reply(call);
    }

    private static string Describe(IEnumerable<string> methods) =>
        methods.Any() ? string.Join(", ", methods) : "(none)";
}
