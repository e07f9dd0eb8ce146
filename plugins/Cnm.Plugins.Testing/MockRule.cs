using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Cnm.Plugins.Testing;

/// <summary>
/// One rule of a <see cref="MockPlugin"/> script, for one method: what to answer, how often, after which delay.
/// Made by <see cref="MockPlugin.On"/>; the terminal methods (<see cref="Answer(string, int)"/>, <see cref="Fail"/>,
/// <see cref="Hang"/>, <see cref="Drop"/>, <see cref="Default"/>) return the plugin, so one rule is one line.
/// </summary>
public sealed class MockRule
{
    private readonly MockPlugin _plugin;
    private int _remaining = int.MaxValue;

    internal MockRule(MockPlugin plugin, string method)
    {
        _plugin = plugin;
        Method = method;
    }

    /// <summary>The service method this rule answers.</summary>
    public string Method { get; }

    internal TimeSpan Delay { get; private set; }

    internal Func<MockCall, MockReply>? Reply { get; private set; }

    internal Func<MockCall, bool>? Condition { get; private set; }

    /// <summary>The rule applies only to calls for which <paramref name="condition"/> is true (for example a malformed body).</summary>
    public MockRule When(Func<MockCall, bool> condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        Condition = condition;
        return this;
    }

    /// <summary>The rule applies to the next <paramref name="count"/> calls only, then the next rule (or the default) does.</summary>
    public MockRule Times(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        _remaining = count;
        return this;
    }

    /// <summary>Waits <paramref name="delay"/> before answering.</summary>
    public MockRule After(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        Delay = delay;
        return this;
    }

    /// <summary>Answers <paramref name="json"/> (a newline is added) with <paramref name="status"/>.</summary>
    public MockPlugin Answer(string json, int status = 200)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Set(_ => MockReply.Json(json, status));
    }

    /// <summary>Answers <paramref name="value"/> written with <paramref name="type"/> (for example Cnm.Protocol's PluginJsonContext).</summary>
    public MockPlugin Answer<T>(T value, JsonTypeInfo<T> type) => Answer(JsonSerializer.Serialize(value, type));

    /// <summary>Answers from the call, for example to echo part of the request.</summary>
    public MockPlugin Answer(Func<MockCall, string> json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Set(call => MockReply.Json(json(call)));
    }

    /// <summary>
    /// Fails the call: <paramref name="status"/> (default 500) with <c>{"Err":message}</c>, or for an IPAM method
    /// <c>{"Err":message,"Error":message}</c>, as Cnm.Plugins.Sdk plugins fail.
    /// </summary>
    public MockPlugin Fail(string message, int status = 500) => Set(_ => MockDefaults.Error(Method, message, status));

    /// <summary>Answers <paramref name="status"/> with <paramref name="text"/> as <c>text/plain</c> (for example a proxy's error page).</summary>
    public MockPlugin Text(string text, int status) => Set(_ => MockReply.Text(text, status));

    /// <summary>Answers <paramref name="status"/> with an empty body.</summary>
    public MockPlugin Status(int status) => Set(_ => new MockReply(status, null));

    /// <summary>Never answers: the call runs until the caller times out or hangs up.</summary>
    public MockPlugin Hang() => Set(_ => new MockReply(0, null) { Hang = true });

    /// <summary>Closes the connection after reading the request, without an answer.</summary>
    public MockPlugin Drop() => Set(_ => new MockReply(0, null) { Drop = true });

    /// <summary>Gives the default answer (useful with <see cref="After"/> for a slow but working plugin).</summary>
    public MockPlugin Default() => Set(call => _plugin.Defaults.Reply(call));

    internal bool TryTake()
    {
        while (true)
        {
            var remaining = Volatile.Read(ref _remaining);
            if (remaining <= 0)
            {
                return false;
            }

            if (remaining == int.MaxValue || Interlocked.CompareExchange(ref _remaining, remaining - 1, remaining) == remaining)
            {
                return true;
            }
        }
    }

    private MockPlugin Set(Func<MockCall, MockReply> reply)
    {
        Reply = reply;
        _plugin.Add(this);
        return _plugin;
    }
}
