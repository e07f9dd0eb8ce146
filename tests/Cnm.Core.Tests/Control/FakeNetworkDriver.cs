using System.Net;
using System.Text.Json;
using Cnm.Core.Drivers;
using Cnm.Core.Net;

namespace Cnm.Core.Tests.Control;

/// <summary>A hand-written network driver that records calls, can fail any of them, and answers Join.</summary>
internal sealed class FakeNetworkDriver(CallLog log) : INetworkDriver, IExternalConnectivityDriver
{
    public Func<CreateEndpointArgs, IEndpointInterface, Task>? OnCreateEndpoint { get; set; }

    public Action<IJoinInfo>? OnJoin { get; set; } = info =>
    {
        info.SetInterfaceName("veth0", "eth");
        info.SetGateway(IPAddress.Parse("10.0.0.1"));
    };

    public List<CreateNetworkArgs> Networks { get; } = [];

    public List<(CreateEndpointArgs Request, IpPrefix? Address, IpPrefix? AddressIPv6)> Endpoints { get; } = [];

    public Task CreateNetworkAsync(CreateNetworkArgs request, CancellationToken cancellationToken)
    {
        log.Record("CreateNetwork", request.NetworkId[..8]);
        lock (Networks)
        {
            Networks.Add(request);
        }

        return Task.CompletedTask;
    }

    public Task DeleteNetworkAsync(string networkId, CancellationToken cancellationToken)
    {
        log.Record("DeleteNetwork", networkId[..8]);
        return Task.CompletedTask;
    }

    public async Task CreateEndpointAsync(CreateEndpointArgs request, IEndpointInterface endpointInterface, CancellationToken cancellationToken)
    {
        log.Record("CreateEndpoint", request.EndpointId[..8]);
        if (OnCreateEndpoint is not null)
        {
            await OnCreateEndpoint(request, endpointInterface);
        }

        lock (Endpoints)
        {
            Endpoints.Add((request, endpointInterface.Address, endpointInterface.AddressIPv6));
        }
    }

    public Task<IReadOnlyDictionary<string, JsonElement>> EndpointOperInfoAsync(string networkId, string endpointId, CancellationToken cancellationToken)
    {
        log.Record("EndpointOperInfo", endpointId[..8]);
        return Task.FromResult<IReadOnlyDictionary<string, JsonElement>>(new Dictionary<string, JsonElement>());
    }

    public Task DeleteEndpointAsync(string networkId, string endpointId, CancellationToken cancellationToken)
    {
        log.Record("DeleteEndpoint", endpointId[..8]);
        return Task.CompletedTask;
    }

    public Task JoinAsync(JoinArgs request, IJoinInfo joinInfo, CancellationToken cancellationToken)
    {
        log.Record("Join", request.EndpointId[..8]);
        OnJoin?.Invoke(joinInfo);
        return Task.CompletedTask;
    }

    public Task LeaveAsync(string networkId, string endpointId, CancellationToken cancellationToken)
    {
        log.Record("Leave", endpointId[..8]);
        return Task.CompletedTask;
    }

    public Task ProgramExternalConnectivityAsync(string networkId, string endpointId, IReadOnlyDictionary<string, JsonElement> options, CancellationToken cancellationToken)
    {
        log.Record("ProgramExternalConnectivity", endpointId[..8]);
        return Task.CompletedTask;
    }

    public Task RevokeExternalConnectivityAsync(string networkId, string endpointId, CancellationToken cancellationToken)
    {
        log.Record("RevokeExternalConnectivity", endpointId[..8]);
        return Task.CompletedTask;
    }
}
