using Cnm.Core.Control;
using Cnm.Core.Drivers;

namespace Cnm.Benchmarks;

/// <summary>Answers every call at once, like the plugin's handlers (Join names the interface), and counts the calls.</summary>
internal sealed class CountingDriver : INetworkDriver, IExternalConnectivityDriver
{
    private long _calls;

    public long Calls => Interlocked.Read(ref _calls);

    public Task CreateNetworkAsync(CreateNetworkArgs request, CancellationToken cancellationToken) => Count();

    public Task DeleteNetworkAsync(string networkId, CancellationToken cancellationToken) => Count();

    public Task CreateEndpointAsync(CreateEndpointArgs request, IEndpointInterface endpointInterface, CancellationToken cancellationToken) =>
        Count();

    public Task<IReadOnlyDictionary<string, System.Text.Json.JsonElement>> EndpointOperInfoAsync(string networkId, string endpointId,
        CancellationToken cancellationToken) => Task.FromResult(GenericOptions.Empty);

    public Task DeleteEndpointAsync(string networkId, string endpointId, CancellationToken cancellationToken) => Count();

    public Task JoinAsync(JoinArgs request, IJoinInfo joinInfo, CancellationToken cancellationToken)
    {
        joinInfo.SetInterfaceName("veth0", "eth");
        return Count();
    }

    public Task LeaveAsync(string networkId, string endpointId, CancellationToken cancellationToken) => Count();

    public Task ProgramExternalConnectivityAsync(string networkId, string endpointId,
        IReadOnlyDictionary<string, System.Text.Json.JsonElement> options, CancellationToken cancellationToken) => Count();

    public Task RevokeExternalConnectivityAsync(string networkId, string endpointId, CancellationToken cancellationToken) => Count();

    private Task Count()
    {
        Interlocked.Increment(ref _calls);
        return Task.CompletedTask;
    }
}
