using System.Text.Json;

namespace Cnm.Core.Drivers.BuiltIn;

/// <summary>
/// The <c>null</c> and <c>host</c> drivers: they manage no interfaces and no addresses (the controller skips
/// IPAM for them). With <c>null</c> a sandbox gets no interface; with <c>host</c> it shares the host's
/// namespace, which the sandbox layer handles.
/// </summary>
internal sealed class NoOpDriver : INetworkDriver
{
    private static readonly IReadOnlyDictionary<string, JsonElement> NoInfo = new Dictionary<string, JsonElement>();

    public Task CreateNetworkAsync(CreateNetworkArgs request, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task DeleteNetworkAsync(string networkId, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task CreateEndpointAsync(CreateEndpointArgs request, IEndpointInterface endpointInterface,
        CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyDictionary<string, JsonElement>> EndpointOperInfoAsync(string networkId, string endpointId,
        CancellationToken cancellationToken) => Task.FromResult(NoInfo);

    public Task DeleteEndpointAsync(string networkId, string endpointId, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task JoinAsync(JoinArgs request, IJoinInfo joinInfo, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task LeaveAsync(string networkId, string endpointId, CancellationToken cancellationToken) => Task.CompletedTask;
}
