using Cnm.Core.Model;

namespace Cnm.Core.Control;

public sealed partial class Controller : IAsyncDisposable
{
    /// <summary>Driver calls owed to drivers that could not be reached, oldest first.</summary>
    public IReadOnlyList<string> PendingCalls => _pending.Describe();

    /// <summary>Driver calls owed to drivers that could not be reached, oldest first, with their attempts and next attempt.</summary>
    public IReadOnlyList<OwedCall> OwedCalls => _pending.Snapshot();

    /// <summary>Stops delivering pending calls. The store is the caller's to close afterwards.</summary>
    public ValueTask DisposeAsync() => _pending.DisposeAsync();

    /// <summary>A driver was registered (a plugin was activated): deliver what it is owed at once, and replay networks to it if configured.</summary>
    private void OnDriverRegistered(string name, bool networkDriver)
    {
        _pending.OnRegistered(name);
        if (networkDriver)
        {
            SendOwedClusterCreates(name);
        }

        if (networkDriver && _replayCreateNetwork.Contains(name) && !_pending.Stopping.IsCancellationRequested)
        {
            _ = Task.Run(() => ReplayNetworksAsync(name));
        }
    }

    /// <summary>Sends CreateNetwork again for every ready network of the driver (<see cref="ControllerOptions.ReplayCreateNetwork"/>).</summary>
    private async Task ReplayNetworksAsync(string driverName)
    {
        List<Network> networks;
        lock (_gate)
        {
            networks = [.. _networks.Values.Where(n => n.Driver == driverName && n.State == ObjectState.Ready)];
        }

        var stopping = _pending.Stopping;
        foreach (var network in networks)
        {
            await BestEffortAsync($"replay CreateNetwork of network {network.Name} to driver {driverName}", async () =>
            {
                var driver = await _drivers.GetNetworkDriverAsync(driverName, stopping).ConfigureAwait(false);
                await driver.Driver.CreateNetworkAsync(CreateNetworkArgsOf(network), stopping).ConfigureAwait(false);
                ControlLog.NetworkReplayed(_logger, network.Id, network.Name, driverName);
            }).ConfigureAwait(false);
        }
    }
}
