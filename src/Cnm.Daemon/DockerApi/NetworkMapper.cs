using System.Collections.ObjectModel;
using System.Globalization;
using Cnm.Core.Control;
using Cnm.Core.Drivers;
using Cnm.Core.Errors;
using Cnm.Core.Model;
using Cnm.Core.Net;

namespace Cnm.Daemon.DockerApi;

/// <summary>Translates between Docker's network API shapes and the controller's model.</summary>
internal static class NetworkMapper
{
    /// <summary>
    /// The driver when the request names none and cnmd has no <c>bridge</c> driver (in-memory sandboxes): <c>null</c>.
    /// With the Linux drivers the default is <c>bridge</c>, as Docker's (spec/daemon-api.md). The docker CLI always
    /// sends a driver (its own default is <c>bridge</c>), so this only affects API clients.
    /// </summary>
    public const string DefaultDriver = BuiltInDrivers.Null;

    // Typed as the interface: `??` needs one type for a request's Dictionary and the shared empty map.
    private static readonly IReadOnlyDictionary<string, string> NoStrings = ReadOnlyDictionary<string, string>.Empty;

    public static NetworkCreateOptions ToCreateOptions(NetworkCreateRequest request, string defaultDriver = DefaultDriver)
    {
        var name = request.Name ?? "";
        if (!Names.IsValid(name))
        {
            throw CnmException.InvalidParameter(
                $"invalid network name \"{name}\": it must match [a-zA-Z0-9][a-zA-Z0-9_.-]* and be at most 255 characters");
        }

        if (request.Ingress == true)
        {
            throw CnmException.InvalidParameter($"network {name}: ingress networks are a swarm feature; Cnm does not support them");
        }

        if (request.ConfigOnly == true || !string.IsNullOrEmpty(request.ConfigFrom?.Network))
        {
            throw CnmException.InvalidParameter($"network {name}: config-only networks (--config-only, --config-from) are not supported yet");
        }

        if (request.Scope is { Length: > 0 } scope && scope != "local")
        {
            throw CnmException.InvalidParameter($"network {name}: scope \"{scope}\" is not supported; only \"local\"");
        }

        if (request.EnableIPv4 == false)
        {
            throw CnmException.InvalidParameter($"network {name}: IPv4 cannot be disabled");
        }

        var v4 = new List<IpamConfig>();
        var v6 = new List<IpamConfig>();
        foreach (var pool in request.IPAM?.Config ?? [])
        {
            var config = new IpamConfig(Empty(pool.Subnet), Empty(pool.IPRange), Empty(pool.Gateway),
                pool.AuxiliaryAddresses is { Count: > 0 } aux ? aux : null);
            (IsV6(name, config) ? v6 : v4).Add(config);
        }

        var driver = string.IsNullOrEmpty(request.Driver) ? defaultDriver : request.Driver;
        var ipamDriver = string.IsNullOrEmpty(request.IPAM?.Driver) ? "default" : request.IPAM!.Driver!;
        return new NetworkCreateOptions
        {
            Name = name,
            Driver = driver,
            IpamDriver = ipamDriver,
            IPv4 = v4,
            IPv6 = v6,
            // Absent maps are the one shared empty map, not a new dictionary each (spec/performance.md).
            IpamOptions = request.IPAM?.Options ?? NoStrings,
            EnableIPv6 = request.EnableIPv6 == true,
            Internal = request.Internal == true,
            Attachable = request.Attachable == true,
            Labels = request.Labels ?? NoStrings,
            DriverOptions = request.Options ?? NoStrings,
        };
    }

    public static NetworkResource ToResource(Network network, Controller controller)
    {
        // Docker's buildContainerAttachments: a joined endpoint under its container id, one that is not joined
        // (made with the native API) under "ep-<endpoint id>" with its own name.
        var containers = new Dictionary<string, EndpointResource>(StringComparer.Ordinal);
        foreach (var endpoint in controller.Endpoints.Where(e => e.NetworkId == network.Id && e.State != ObjectState.Creating))
        {
            var key = "ep-" + endpoint.Id;
            var name = endpoint.Name;
            if (endpoint.SandboxId is { } sandboxId)
            {
                try
                {
                    var sandbox = controller.GetSandbox(sandboxId);
                    (key, name) = (sandbox.Options.ContainerId, sandbox.Name);
                }
                catch (CnmException)
                {
                    // The sandbox was deleted meanwhile: the endpoint is listed as not joined.
                }
            }

            containers[key] = new EndpointResource(name, endpoint.Id,
                endpoint.MacAddress is { } mac ? FormatMac(mac.GetAddressBytes()) : "",
                endpoint.Address?.ToString() ?? "", endpoint.AddressIPv6?.ToString() ?? "");
        }

        var options = network.Options;
        return new NetworkResource
        {
            Name = network.Name,
            Id = network.Id,
            Created = ApiTime.Format(network.Created),
            Scope = network.Scope == DriverScope.Global ? "global" : "local",
            Driver = network.Driver,
            EnableIPv6 = options.EnableIPv6,
            IPAM = new IpamResource(options.IpamDriver, new(options.IpamOptions, StringComparer.Ordinal), PoolsOf(network)),
            Internal = options.Internal,
            Attachable = options.Attachable,
            Containers = containers,
            Options = new(options.DriverOptions, StringComparer.Ordinal),
            Labels = new(options.Labels, StringComparer.Ordinal),
            CnmStatus = CnmStatusResource.From(controller.GetAvailability(network)),
        };
    }

    /// <summary>
    /// The pools as Docker shows them: what was allocated when the network has IPAM pools, else (drivers
    /// such as <c>null</c> that skip IPAM) what the user configured.
    /// </summary>
    private static List<IpamPoolConfig> PoolsOf(Network network)
    {
        var allocated = network.IPv4Pools.Concat(network.IPv6Pools).ToList();
        if (allocated.Count > 0)
        {
            return [.. allocated.Select(p => new IpamPoolConfig
            {
                Subnet = p.Pool.ToString(),
                IPRange = p.SubPool?.ToString(),
                Gateway = p.Gateway?.Address.ToString(),
                AuxiliaryAddresses = p.AuxAddresses.Count == 0 ? null
                    : p.AuxAddresses.ToDictionary(a => a.Key, a => a.Value.ToString(), StringComparer.Ordinal),
            })];
        }

        return [.. network.Options.IPv4.Concat(network.Options.IPv6).Select(c => new IpamPoolConfig
        {
            Subnet = c.Subnet,
            IPRange = c.IpRange,
            Gateway = c.Gateway,
            AuxiliaryAddresses = c.AuxAddresses is { Count: > 0 } aux ? new(aux, StringComparer.Ordinal) : null,
        })];
    }

    private static string FormatMac(byte[] bytes) => string.Join(':', bytes.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>Docker sends IPv4 and IPv6 pools in one list; the family comes from the subnet, else the gateway or range.</summary>
    private static bool IsV6(string network, IpamConfig config)
    {
        var sample = config.Subnet ?? config.IpRange ?? config.Gateway;
        if (sample is null)
        {
            return false;
        }

        if (config.Subnet is not null && !IpPrefix.TryParse(config.Subnet, out _))
        {
            throw CnmException.InvalidParameter($"network {network}: invalid subnet \"{config.Subnet}\": expected a CIDR such as 172.20.0.0/16");
        }

        return sample.Contains(':', StringComparison.Ordinal);
    }
}
