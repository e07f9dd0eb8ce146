using System.Diagnostics;
using Cnm.Protocol;
using Cnm.Testing;
using Microsoft.Extensions.Logging;

namespace Cnm.Drivers.Remote.Tests.Recovery;

/// <summary>
/// Issue 10, §5: a call that is owed and queued does not hold up the caller; owed calls are retried with a back-off
/// and logged as one Warning line when owed and one when delivered, the attempts in between at Debug; an optional
/// method's 404 is an answer, not a fault.
/// </summary>
public sealed class OwedCallTests
{
    private const int CallPendingEvent = 2010;
    private const int PendingDeliveredEvent = 2011;
    private const int PendingRetryEvent = 2016;

    [Fact]
    public async Task Disconnect_DeadPlugin_FinishesWithinOneConnectBudgetAndOwesTheRestInOrder()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var network = await h.NetworkAsync("n1");
        var endpoint = await h.EndpointAsync(network, "e1");
        var sandbox = await h.SandboxAsync("c1");
        await h.Controller.JoinAsync(endpoint.Id, sandbox.Id, CancellationToken.None);
        await h.Plugin.StopAsync(); // dead: nothing answers at its socket; each call is retried for the 15 s connect budget

        // A disconnect as the Docker API makes it: Leave, then a forced DeleteEndpoint.
        var clock = Stopwatch.StartNew();
        await h.Controller.LeaveAsync(endpoint.Id, CancellationToken.None);
        await h.Controller.DeleteEndpointAsync(endpoint.Id, force: true, CancellationToken.None);
        clock.Stop();

        // Only the first call waits for the plugin (one connect budget, 15 s); the rest queue behind it.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(25), $"the disconnect took {clock.Elapsed.TotalSeconds:0.0} s");
        var owed = h.Controller.OwedCalls;
        Assert.Equal([PluginMethods.Network.RevokeExternalConnectivity, PluginMethods.Network.Leave, PluginMethods.Network.DeleteEndpoint],
            owed.Select(c => "NetworkDriver." + c.Method));
        Assert.Equal(1, owed[0].Attempts);
        Assert.All(owed, c => Assert.True(c.NextAttempt > DateTimeOffset.UtcNow.AddSeconds(-60)));

        h.Plugin.ClearCalls();
        await h.Plugin.StartAsync();
        await Eventually.TrueAsync(() => h.Controller.PendingCalls.Count == 0, "the owed calls to be delivered", TimeSpan.FromSeconds(60));
        Assert.Equal([PluginMethods.Network.RevokeExternalConnectivity, PluginMethods.Network.Leave, PluginMethods.Network.DeleteEndpoint],
            h.Plugin.Methods.Where(m => m.StartsWith("NetworkDriver.", StringComparison.Ordinal)));
        h.AssertPluginAgrees();
    }

    [Fact]
    public async Task OwedCall_RetriedWhilePluginGone_OneWarningWhenOwedOneWhenDeliveredRetriesAtDebugWithoutStack()
    {
        var logs = new RecordingLoggerFactory();
        await using var h = await RemoteHarness.CreateAsync(loggerFactory: logs);
        var network = await h.NetworkAsync("n1");
        var endpoint = await h.EndpointAsync(network, "e1");
        await h.Plugin.StopAsync();
        Assert.True(await h.Registry.MarkGoneAsync(RemoteHarness.PluginName, "socket removed", CancellationToken.None));

        await h.Controller.DeleteEndpointAsync(endpoint.Id, force: true, CancellationToken.None);
        await Eventually.TrueAsync(() => logs.Entries.Count(e => e.EventId == PendingRetryEvent) >= 2, "two retries (after 1 s and 2 s)");
        await h.Plugin.StartAsync();
        await h.Registry.GetAsync(RemoteHarness.PluginName, CancellationToken.None); // activated again: delivered at once
        await h.WaitForNoPendingCallsAsync();

        var entries = logs.Entries;
        var owed = Assert.Single(entries, e => e.EventId == CallPendingEvent);
        var delivered = Assert.Single(entries, e => e.EventId == PendingDeliveredEvent);
        Assert.Equal(LogLevel.Warning, owed.Level);
        Assert.Equal(LogLevel.Warning, delivered.Level);
        Assert.Contains("DeleteEndpoint to rec", owed.Message, StringComparison.Ordinal);
        Assert.Contains("DeleteEndpoint to rec after ", delivered.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("after 1 attempt", delivered.Message, StringComparison.Ordinal);
        Assert.All(entries.Where(e => e.EventId == PendingRetryEvent), e => Assert.Equal(LogLevel.Debug, e.Level));
        // One line each, and no stack trace above Trace.
        Assert.All(entries.Where(e => e.Level > LogLevel.Trace), e =>
        {
            Assert.Null(e.Exception);
            Assert.DoesNotContain('\n', e.Message);
        });
        Assert.Contains(entries, e => e.Level == LogLevel.Trace && e.Exception is not null);
    }

    [Fact]
    public async Task OptionalMethods_Answer404_LoggedAtDebugAsOneLineWithoutWarning()
    {
        var logs = new RecordingLoggerFactory();
        await using var h = await RemoteHarness.CreateAsync(loggerFactory: logs);
        var network = await h.NetworkAsync("n1");
        var endpoint = await h.EndpointAsync(network, "e1");
        var sandbox = await h.SandboxAsync("c1");
        var notFound = PluginReply.Text("404 page not found\n", 404);
        h.Plugin.Answer(PluginMethods.Network.ProgramExternalConnectivity, notFound);
        h.Plugin.Answer(PluginMethods.Network.RevokeExternalConnectivity, notFound);
        h.Plugin.Answer(PluginMethods.Network.EndpointOperInfo, notFound);

        await h.Controller.JoinAsync(endpoint.Id, sandbox.Id, CancellationToken.None);
        await h.Controller.GetEndpointInfoAsync(endpoint.Id, CancellationToken.None);
        await h.Controller.LeaveAsync(endpoint.Id, CancellationToken.None);

        Assert.NotEmpty(h.Plugin.CallsTo(PluginMethods.Network.ProgramExternalConnectivity));
        Assert.NotEmpty(h.Plugin.CallsTo(PluginMethods.Network.RevokeExternalConnectivity));
        var entries = logs.Entries;
        Assert.DoesNotContain(entries, e => e.Level >= LogLevel.Warning);
        var answered = entries.Where(e => e.Message.Contains("HTTP 404", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, answered.Count(e => e.Level == LogLevel.Debug));
        Assert.All(answered.Where(e => e.Level == LogLevel.Debug), e => Assert.DoesNotContain('\n', e.Message));
    }
}
