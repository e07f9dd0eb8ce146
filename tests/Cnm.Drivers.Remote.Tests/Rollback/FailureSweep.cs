using Cnm.Core.Errors;

namespace Cnm.Drivers.Remote.Tests.Rollback;

/// <summary>
/// Runs an operation again and again, failing the plugin's k-th call for k = 0, 1, 2, … until the
/// operation succeeds. After every failure the controller, the default IPAM and the plugin's own view
/// must be exactly what they were before, and the plugin and the controller must agree.
/// </summary>
internal static class FailureSweep
{
    private const int MaxSteps = 50;

    /// <summary>Returns how many plugin calls the operation makes before it succeeds (the number of failing steps).</summary>
    public static async Task<int> RunAsync(RemoteHarness h, Func<Task> operation)
    {
        for (var k = 0; k < MaxSteps; k++)
        {
            var before = h.FullSnapshot();
            var injected = h.Plugin.InjectedFailures;
            h.Plugin.FailCall(k);
            try
            {
                await operation();
            }
            catch (CnmException ex)
            {
                Assert.True(injected + 1 == h.Plugin.InjectedFailures, $"step {k}: the operation failed without the injected failure: {ex}");
                Assert.Contains("injected failure", ex.Message, StringComparison.Ordinal);
                Assert.Contains(RemoteHarness.PluginName, ex.Message, StringComparison.Ordinal);
                var after = h.FullSnapshot();
                Assert.True(before == after, $"step {k} ({ex.Message}) left state behind.\nbefore:\n{before}\nafter:\n{after}");
                h.AssertPluginAgrees();
                continue;
            }

            Assert.True(h.Plugin.FailurePending, $"step {k}: the operation succeeded although the injected failure happened");
            h.Plugin.ClearFaults();
            h.AssertPluginAgrees();
            return k;
        }

        Assert.Fail($"the operation still failed after {MaxSteps} steps");
        return -1;
    }
}
