namespace Cnm.DaemonBench;

/// <summary><c>GET /_ping</c>: the daemon's HTTP floor.</summary>
internal sealed class PingScenario : Scenario
{
    public override string Name => "ping";

    public override string Description => "GET /_ping";

    public override bool CallsPlugin => false;

    public override Task CycleAsync(BenchTarget target, int index, HttpClient client, string tag, string driver) =>
        DaemonApi.PingAsync(client);
}
