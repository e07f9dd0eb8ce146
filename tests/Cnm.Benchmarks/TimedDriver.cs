using System.Diagnostics;
using Cnm.Core.Drivers;
using Cnm.Drivers.Remote;

namespace Cnm.Benchmarks;

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

    public Task CreateNetworkAsync(CreateNetworkArgs request, CancellationToken cancellationToken) =>
        inner.CreateNetworkAsync(request, cancellationToken);

    public Task DeleteNetworkAsync(string networkId, CancellationToken cancellationToken) => inner.DeleteNetworkAsync(networkId, cancellationToken);

    public Task CreateEndpointAsync(CreateEndpointArgs request, IEndpointInterface endpointInterface, CancellationToken cancellationToken) =>
        TimeAsync(0, () => inner.CreateEndpointAsync(request, endpointInterface, cancellationToken));

    public Task<IReadOnlyDictionary<string, System.Text.Json.JsonElement>> EndpointOperInfoAsync(string networkId, string endpointId,
        CancellationToken cancellationToken) => inner.EndpointOperInfoAsync(networkId, endpointId, cancellationToken);

    public Task JoinAsync(JoinArgs request, IJoinInfo joinInfo, CancellationToken cancellationToken) =>
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
