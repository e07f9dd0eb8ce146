using System.Collections.Concurrent;

namespace Cnm.DaemonBench;

/// <summary>
/// cnmd's endpoint cycle through its native API: <c>POST /cnm/v1/endpoints</c>, <c>…/join</c>, <c>…/leave</c>,
/// <c>DELETE /cnm/v1/endpoints/{id}</c>, each client on a network and a sandbox of its own made in the setup.
/// dockerd has no such cycle: its API creates and joins an endpoint only when a container connects.
/// </summary>
internal sealed class EndpointScenario : Scenario
{
    private readonly ConcurrentDictionary<(string Target, int Index), (string Network, string Sandbox)> _fixtures = new();

    public override string Name => "endpoint";

    public override string Description => "endpoint create + join + leave + delete (/cnm/v1/endpoints...)";

    public override bool Supports(BenchTarget target) => target.IsCnmd;

    public override string Unsupported(BenchTarget target) => "n/a: no endpoint without a container";

    public override async Task SetupAsync(BenchTarget target, HttpClient[] clients, string driver)
    {
        for (var i = 0; i < clients.Length; i++)
        {
            var network = await DaemonApi.CreateNetworkAsync(clients[i], $"benchep{i}", driver).ConfigureAwait(false);
            var sandbox = await DaemonApi.CreateSandboxAsync(clients[i], $"benchbox{i}").ConfigureAwait(false);
            _fixtures[(target.Name, i)] = (network, sandbox);
        }
    }

    public override async Task TeardownAsync(BenchTarget target, HttpClient[] clients)
    {
        for (var i = 0; i < clients.Length; i++)
        {
            if (_fixtures.TryRemove((target.Name, i), out var fixture))
            {
                await DaemonApi.DeleteSandboxAsync(clients[i], fixture.Sandbox).ConfigureAwait(false);
                await DaemonApi.DeleteNetworkAsync(clients[i], fixture.Network).ConfigureAwait(false);
            }
        }
    }

    public override async Task CycleAsync(BenchTarget target, int index, HttpClient client, string tag, string driver)
    {
        var (network, sandbox) = _fixtures[(target.Name, index)];
        var endpoint = await DaemonApi.CreateEndpointAsync(client, network, "e" + tag).ConfigureAwait(false);
        await DaemonApi.JoinAsync(client, endpoint, sandbox).ConfigureAwait(false);
        await DaemonApi.LeaveAsync(client, endpoint).ConfigureAwait(false);
        await DaemonApi.DeleteEndpointAsync(client, endpoint).ConfigureAwait(false);
    }
}
