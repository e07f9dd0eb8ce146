using System.Text.RegularExpressions;

namespace Cnm.Drivers.Remote.Tests.Recovery;

/// <summary>
/// Kills an operation after each of its steps in turn (k = 0, 1, 2, … on a fresh set-up each time), restarts
/// the controller over the same store and plugin, lets it deliver what it owes, and compares: the controller,
/// the default IPAM and the plugin's own view must be exactly the state before the operation (a create or join
/// is undone) or exactly the state after a run that was not interrupted (a delete or leave is finished; any
/// operation whose final commit was made). Ids are random, so snapshots name objects by name.
/// </summary>
internal static partial class CrashSweep
{
    private const int MaxSteps = 30;

    /// <summary>Returns the steps the operation went through, in order.</summary>
    public static async Task<IReadOnlyList<string>> RunAsync(Func<RemoteHarness, Task> setUp, Func<RemoteHarness, Task> operation, bool undone)
    {
        // A run that is not interrupted gives the state after, and the list of steps.
        string after;
        List<string> steps;
        {
            var crash = new CrashPoint();
            await using var h = await RemoteHarness.CreateAsync(afterStep: crash.OnStepAsync);
            await setUp(h);
            crash.Arm(int.MaxValue);
            await operation(h);
            after = Normalized(h, h);
            steps = crash.Steps;
        }

        Assert.InRange(steps.Count, 2, MaxSteps);
        for (var k = 0; k < steps.Count; k++)
        {
            var crash = new CrashPoint();
            await using var h = await RemoteHarness.CreateAsync(afterStep: crash.OnStepAsync);
            await setUp(h);
            var before = Normalized(h, h);
            crash.Arm(k);
            var running = operation(h);
            var first = await Task.WhenAny(running, crash.Reached).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(first == crash.Reached, $"step {k}: the operation ended before step {k} ({steps[k]}): {running.Exception}");
            var step = await crash.Reached;
            Assert.Equal(steps[k], step);

            await using var restarted = await h.RestartAsync();
            await restarted.WaitForNoPendingCallsAsync();
            var expected = undone && !step.EndsWith(":commit", StringComparison.Ordinal) ? before : after;
            var actual = Normalized(restarted, h);
            Assert.True(expected == actual, $"killed after {step} (step {k}): expected\n{expected}\nbut after the restart\n{actual}");
            restarted.AssertPluginAgrees();
            Assert.Empty(await IntentKeysAsync(restarted));

            // Restore is idempotent: a second restart reads the same state and writes nothing.
            var revision = (await restarted.Store.ListAsync("cnm/v1/", CancellationToken.None)).Revision;
            await using var again = await restarted.RestartAsync();
            Assert.Equal(actual, Normalized(again, h));
            Assert.Equal(revision, (await again.Store.ListAsync("cnm/v1/", CancellationToken.None)).Revision);
        }

        return steps;
    }

    private static async Task<IReadOnlyList<string>> IntentKeysAsync(RemoteHarness h) =>
        [.. (await h.Store.ListAsync("cnm/v1/intents/", CancellationToken.None)).Entries.Select(e => e.Key)];

    /// <summary>The full snapshot with each 64-hex id replaced by the name of its object, known to either controller.</summary>
    private static string Normalized(RemoteHarness h, RemoteHarness earlier)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var c in new[] { earlier.Controller, h.Controller })
        {
            c.Networks.ToList().ForEach(n => names[n.Id] = "net:" + n.Name);
            c.Endpoints.ToList().ForEach(e => names[e.Id] = "ep:" + e.Name);
            c.Sandboxes.ToList().ForEach(s => names[s.Id] = "sb:" + s.Name);
        }

        var text = Id().Replace(h.FullSnapshot(), m => names.GetValueOrDefault(m.Value, "unknown-id"));

        // Both sides list objects ordered by id, which differs from run to run: order each section's blocks (a line
        // with the indented lines under it) by their text instead.
        var sections = text.Split("--- plugin ---\n");
        return string.Join("--- plugin ---\n", sections.Select(SortBlocks));
    }

    private static string SortBlocks(string section)
    {
        var blocks = new List<string>();
        foreach (var line in section.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith(' ') && blocks.Count > 0)
            {
                blocks[^1] += "\n" + line;
            }
            else
            {
                blocks.Add(line);
            }
        }

        return string.Join('\n', blocks.Order(StringComparer.Ordinal)) + "\n";
    }

    [GeneratedRegex("[0-9a-f]{64}")]
    private static partial Regex Id();
}
