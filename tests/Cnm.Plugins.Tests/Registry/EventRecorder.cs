using System.Diagnostics;
using Cnm.Plugins.Registry;

namespace Cnm.Plugins.Tests.Registry;

/// <summary>A <see cref="PluginRegistry.Handle"/> callback that records every event with the moment it arrived.</summary>
public sealed class EventRecorder
{
    private readonly Lock _lock = new();
    private readonly List<RecordedEvent> _events = [];

    public IReadOnlyList<PluginEvent> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events.Select(e => e.Event)];
            }
        }
    }

    /// <summary>Runs before recording, inside the callback (e.g. to throw or to block).</summary>
    public Func<PluginEvent, Task>? OnEvent { get; set; }

    public async Task Handle(PluginEvent pluginEvent, CancellationToken cancellationToken)
    {
        var at = DateTimeOffset.UtcNow;
        var timestamp = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            _events.Add(new RecordedEvent(pluginEvent, at, timestamp));
        }

        if (OnEvent is not null)
        {
            await OnEvent(pluginEvent);
        }
    }

    /// <summary>The first recorded event that matches, waiting up to <paramref name="timeout"/> for it.</summary>
    public async Task<RecordedEvent> WaitForAsync(Func<PluginEvent, bool> match, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)((timeout ?? TimeSpan.FromSeconds(5)).TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            lock (_lock)
            {
                var found = _events.FirstOrDefault(e => match(e.Event));
                if (found is not null)
                {
                    return found;
                }
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"no matching event; got: {string.Join("; ", Events.Select(e => $"{e.Kind} {e.Name} g{e.Plugin.Generation}"))}");
            }

            await Task.Delay(2);
        }
    }

    public sealed record RecordedEvent(PluginEvent Event, DateTimeOffset At, long Timestamp);
}
