using Cnm.Protocol.Ipam;
using Cnm.Protocol.Network;

namespace Cnm.Plugins.Sdk.Tests;

/// <summary>A network driver that overrides only the required methods; <see cref="Failure"/> makes every one throw.</summary>
internal sealed class MinimalNetworkDriver : NetworkDriver
{
    public string? Failure { get; set; }

    public List<string> Created { get; } = [];

    public override Task CreateNetworkAsync(CreateNetworkRequest request, CancellationToken cancellationToken)
    {
        Fail();
        Created.Add(request.NetworkId);
        return Task.CompletedTask;
    }

    public override Task DeleteNetworkAsync(DeleteNetworkRequest request, CancellationToken cancellationToken) => Done();

    public override Task<CreateEndpointResponse> CreateEndpointAsync(CreateEndpointRequest request, CancellationToken cancellationToken)
    {
        Fail();
        return Task.FromResult(new CreateEndpointResponse());
    }

    public override Task DeleteEndpointAsync(DeleteEndpointRequest request, CancellationToken cancellationToken) => Done();

    public override Task<JoinResponse> JoinAsync(JoinRequest request, CancellationToken cancellationToken)
    {
        Fail();
        return Task.FromResult<JoinResponse>(null!);
    }

    public override Task LeaveAsync(LeaveRequest request, CancellationToken cancellationToken) => Done();

    private Task Done()
    {
        Fail();
        return Task.CompletedTask;
    }

    private void Fail()
    {
        if (Failure is { } message)
        {
            throw new InvalidOperationException(message);
        }
    }
}

/// <summary>An IPAM driver with one fixed pool; <see cref="Failure"/> makes every method throw.</summary>
internal sealed class MinimalIpamDriver : IpamDriver
{
    public string? Failure { get; set; }

    public override Task<RequestPoolResponse> RequestPoolAsync(RequestPoolRequest request, CancellationToken cancellationToken)
    {
        Fail();
        return Task.FromResult(new RequestPoolResponse("p1", "10.9.0.0/24"));
    }

    public override Task ReleasePoolAsync(ReleasePoolRequest request, CancellationToken cancellationToken)
    {
        Fail();
        return Task.CompletedTask;
    }

    public override Task<RequestAddressResponse> RequestAddressAsync(RequestAddressRequest request, CancellationToken cancellationToken)
    {
        Fail();
        return Task.FromResult(new RequestAddressResponse("10.9.0.2/24"));
    }

    public override Task ReleaseAddressAsync(ReleaseAddressRequest request, CancellationToken cancellationToken)
    {
        Fail();
        return Task.CompletedTask;
    }

    private void Fail()
    {
        if (Failure is { } message)
        {
            throw new InvalidOperationException(message);
        }
    }
}
