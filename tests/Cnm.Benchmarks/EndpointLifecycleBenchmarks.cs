using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;

namespace Cnm.Benchmarks;

/// <summary>
/// One endpoint lifecycle (create, join, leave, delete) through the <see cref="Cnm.Core.Control.Controller"/>
/// against an in-process remote plugin on a unix socket, reached through discovery, the registry and
/// <see cref="Cnm.Drivers.Remote.RemoteDriverModule"/> like a real plugin: six plugin calls (CreateEndpoint,
/// Join, ProgramExternalConnectivity, RevokeExternalConnectivity, Leave, DeleteEndpoint). For comparison,
/// the same six calls on the remote driver without the controller, and the same six requests, byte for
/// byte, from a bare <see cref="HttpClient"/> (the transport floor).
/// </summary>
/// <remarks>
/// Every benchmark runs six calls per invocation, so Mean / 6 is the total time per call. The plugin
/// server times its own handler; <see cref="Cleanup"/> prints the mean in-plugin time per call, and the
/// host's own time per call is Mean / 6 minus that. Allocations are the whole process's: the Kestrel
/// plugin's allocations are counted too. <c>dotnet run -c Release -- lifecycle</c> prints all figures at once.
/// </remarks>
[MemoryDiagnoser]
public class EndpointLifecycleBenchmarks
{
    private LifecycleHarness _harness = null!;
    private DirectRound _direct = null!;
    private BareReplay _bare = null!;
    private HttpClient _bareClient = null!;
    private long _requestsAtStart;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _harness = await LifecycleHarness.StartAsync(recordRequests: false).ConfigureAwait(false);
        var captured = await _harness.CaptureLifecycleAsync().ConfigureAwait(false);
        if (captured.Count != LifecycleHarness.LifecycleMethods.Length)
        {
            throw new InvalidOperationException(
                $"one lifecycle made {captured.Count} plugin calls ({string.Join(", ", captured.Select(r => r.ServiceMethod))}); expected {LifecycleHarness.LifecycleMethods.Length}");
        }

        _direct = new DirectRound(await _harness.DirectDriverAsync().ConfigureAwait(false), _harness.Network.Id, _harness.Sandbox.Key);
        _bareClient = _harness.CreateBareClient();
        _bare = new BareReplay(_bareClient, captured);
        await _harness.WaitForTimingsAsync().ConfigureAwait(false);
        _harness.Timings = new TimingSet();
        _requestsAtStart = _harness.Server.RequestCount;
    }

    [Benchmark(Baseline = true, Description = "bare HttpClient, same 6 requests")]
    public Task BareHttpClient() => _bare.RunAsync();

    [Benchmark(Description = "RemoteNetworkDriver, same 6 calls")]
    public Task DriverCalls() => _direct.RunAsync();

    [Benchmark(Description = "Controller lifecycle (6 plugin calls)")]
    public Task Lifecycle() => _harness.RunLifecycleAsync();

    [GlobalCleanup]
    public void Cleanup()
    {
        _harness.WaitForTimingsAsync().GetAwaiter().GetResult();
        var timings = _harness.Timings;
        var calls = _harness.Server.RequestCount - _requestsAtStart;
        var inPluginUs = timings.Count == 0 ? 0 : timings.Ticks * 1e6 / Stopwatch.Frequency / timings.Count;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"InPlugin: {calls} plugin calls in this process, mean {inPluginUs:0.00} us per call inside the server's handler; host per call = Mean / 6 - {inPluginUs:0.00} us"));
        _bareClient.Dispose();
        _harness.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
