using Cnm.Core.Drivers;
using Cnm.Core.Errors;
using Cnm.Core.Model;
using Cnm.Protocol;

namespace Cnm.Core.Control;

public sealed partial class Controller
{
    /// <summary>
    /// Whether <paramref name="network"/>'s drivers can serve it now: ready, or waiting for a plugin whose network
    /// driver, or IPAM driver (only networks with pools use one), is not registered yet or is gone. Cheap enough
    /// for every listing: it reads the driver tables, and calls no plugin and does no I/O.
    /// </summary>
    public NetworkAvailability GetAvailability(Network network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var missing = new List<(string Plugin, DriverKind Kind, string Reason)>(2);
        var driver = _drivers.NetworkDrivers.FirstOrDefault(d => d.Name == network.Driver);
        if (WhyUnavailable(network.Driver, DriverKind.Network, driver is null ? null : driver.IsBuiltIn) is { } reason)
        {
            missing.Add((network.Driver, DriverKind.Network, reason));
        }

        if (network.IPv4Pools.Count + network.IPv6Pools.Count > 0)
        {
            var ipam = _drivers.IpamDrivers.FirstOrDefault(d => d.Name == network.IpamDriver);
            if (WhyUnavailable(network.IpamDriver, DriverKind.Ipam, ipam is null ? null : ipam.IsBuiltIn) is { } ipamReason)
            {
                missing.Add((network.IpamDriver, DriverKind.Ipam, ipamReason));
            }
        }

        if (missing.Count == 0)
        {
            return NetworkAvailability.Ready;
        }

        var byPlugin = missing.GroupBy(m => m.Plugin, StringComparer.Ordinal).ToList();
        return new NetworkAvailability
        {
            WaitingFor = [.. byPlugin.Select(g => g.Key)],
            Message = string.Join("; ", byPlugin.Select(g =>
                $"waiting for plugin \"{g.Key}\" ({string.Join(" and ", g.Select(m => Role(m.Kind)))}): "
                + string.Join("; ", g.Select(m => m.Reason).Distinct(StringComparer.Ordinal)))),
        };
    }

    /// <summary>
    /// When <paramref name="error"/> failed an operation on <paramref name="network"/> and the network is waiting for
    /// its plugin, an Unavailable error that says so, naming the network, the plugin and why it is missing (the
    /// original error is its inner exception); otherwise <paramref name="error"/> itself. Only NotFound and Unavailable errors are explained: any
    /// other error, or one whose <see cref="CnmException.Plugin"/> is not a plugin the network waits for, is not about a missing plugin.
    /// </summary>
    public CnmException ExplainWaiting(Network network, CnmException error)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(error);
        if (error.Category is not (ErrorCategory.NotFound or ErrorCategory.Unavailable))
        {
            return error;
        }

        // Only an error about one of the plugins the network waits for, as the error's structured data says.
        var availability = GetAvailability(network);
        return availability.IsReady || error.Plugin is not { } plugin || !availability.WaitingFor.Contains(plugin, StringComparer.Ordinal)
            ? error
            : new CnmException(ErrorCategory.Unavailable, $"network {network.Name} is {availability.Message}", error);
    }

    /// <summary>
    /// Null when the driver can serve calls: built in, or registered and no module objects. <paramref name="builtIn"/>
    /// is null when no driver of that name is registered.
    /// </summary>
    private string? WhyUnavailable(string name, DriverKind kind, bool? builtIn)
    {
        if (builtIn == true)
        {
            return null;
        }

        var registered = builtIn is not null;
        foreach (var module in _availability)
        {
            if (module.GetUnavailableReason(name, kind, registered) is { } reason)
            {
                return reason;
            }
        }

        return registered ? null : $"no {Role(kind)} of that name is registered";
    }

    private static string Role(DriverKind kind) => kind == DriverKind.Network ? "network driver" : "IPAM driver";
}
