using Cnm.Core.Drivers;
using Cnm.Core.Errors;
using Cnm.Core.Model;

namespace Cnm.Core.Control;

public sealed partial class Controller
{
    /// <summary>
    /// A driver of global scope keeps its networks in a cluster store, which this host does not have unless it runs with a
    /// cluster store (<see cref="ControllerOptions.GlobalScope"/>): the network is then refused (spec/controller.md, "Global-scope drivers"), before any IPAM or network call, as the reference refuses it.
    /// </summary>
    private void ThrowIfGlobalScope(string network, NetworkDriverEntry driver)
    {
        if (driver.Capability.Scope == DriverScope.Global && !_globalScope)
        {
            throw CnmException.Forbidden(
                $"network {network}: driver {driver.Name} has scope \"global\", which needs a cluster store, and this cnmd has none; "
                + "configure one with --cluster-store to create networks of global-scope drivers, or use a driver of local scope");
        }
    }

    /// <summary>
    /// The built-in null and host drivers allow one network each, as libnetwork's do (Forbidden, with their message).
    /// The controller checks it, under the lock that adds the network, rather than the driver: restore never calls a
    /// driver, so only the controller's table knows the networks restored from the store. Restore itself is never
    /// refused: a state file with several null networks from an older Cnm starts, and only creating one more fails
    /// (spec/controller.md, "One null and one host network").
    /// </summary>
    private void ThrowIfSecondInstance(NetworkDriverEntry driver, bool special)
    {
        if (special && _networks.Values.Any(n => n.Driver == driver.Name))
        {
            throw CnmException.Forbidden($"only one instance of \"{driver.Name}\" network is allowed");
        }
    }

    /// <summary>
    /// IPAM is skipped for the null and host drivers (docs/reference-host.md §5.10): a subnet, gateway, range or aux address would be
    /// shown and never used, so it is refused rather than dropped (spec/controller.md, "Networks without pools").
    /// </summary>
    private static void ThrowIfPoolsWithoutIpam(NetworkCreateOptions options, NetworkDriverEntry driver, bool special)
    {
        if (special && options.IPv4.Count + options.IPv6.Count > 0)
        {
            throw CnmException.InvalidParameter(
                $"network {options.Name}: driver {driver.Name} manages no addresses (IPAM is skipped for {BuiltInDrivers.Null} and {BuiltInDrivers.Host} networks), "
                + "so --subnet, --gateway, --ip-range and --aux-address cannot be used with it");
        }
    }

    /// <summary>IPAM is skipped for a network without pools (null, host): a static address would be dropped silently, so it is refused.</summary>
    private static void ThrowIfStaticWithoutPools(string endpoint, Network owner, System.Net.IPAddress? staticV4, System.Net.IPAddress? staticV6)
    {
        if ((staticV4 is not null && owner.IPv4Pools.Count == 0) || (staticV6 is not null && owner.Options.EnableIPv6 && owner.IPv6Pools.Count == 0))
        {
            var (asked, family) = staticV4 is not null && owner.IPv4Pools.Count == 0 ? (staticV4, "IPv4") : (staticV6!, "IPv6");
            throw CnmException.InvalidParameter(
                $"endpoint {endpoint}: static address {asked} given, but network {owner.Name} (driver {owner.Driver}) has no {family} address pools: "
                + "IPAM is skipped for it, so no address can be assigned");
        }
    }
}
