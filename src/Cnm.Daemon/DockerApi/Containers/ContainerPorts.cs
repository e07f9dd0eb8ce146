using System.Globalization;
using System.Text.Json;
using Cnm.Core.Control;
using Cnm.Core.Drivers;
using Cnm.Core.Errors;
using Cnm.Core.Model;

namespace Cnm.Daemon.DockerApi.Containers;

/// <summary>
/// <c>NetworkSettings.Ports</c> of a container inspect, as dockerd builds it from its endpoints' driver info: every port
/// the bridge driver published for the sandbox, with the host address and port it holds (<c>com.docker.network.portmap</c>
/// of the endpoint's EndpointOperInfo; a host port 0 shows the one the kernel chose), and every exposed port that is
/// not published, with null. Only built-in bridge endpoints are asked (no plugin is called for an inspect); the one
/// that publishes is the sandbox's gateway endpoint, its own or the <c>cnm_gwbridge</c> one (spec/bridge.md).
/// </summary>
internal static class ContainerPorts
{
    public static async Task<Dictionary<string, List<ContainerPortBinding>?>> OfAsync(Controller controller, Sandbox sandbox, CancellationToken cancellationToken)
    {
        var ports = new Dictionary<string, List<ContainerPortBinding>?>(StringComparer.Ordinal);
        foreach (var exposed in sandbox.Options.ExposedPorts ?? [])
        {
            ports[Key(exposed.Port, exposed.Proto)] = null;
        }

        foreach (var endpoint in controller.Endpoints.Where(e => e.SandboxId == sandbox.Id))
        {
            IReadOnlyDictionary<string, JsonElement> info;
            try
            {
                if (controller.GetNetwork(endpoint.NetworkId).Driver != BuiltInDrivers.Bridge)
                {
                    continue;
                }

                info = await controller.GetEndpointInfoAsync(endpoint.Id, cancellationToken).ConfigureAwait(false);
            }
            catch (CnmException)
            {
                continue; // gone meanwhile
            }

            if (!info.TryGetValue(DriverOptionKeys.PortMap, out var map) || map.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var item in map.EnumerateArray())
            {
                var key = Key(item.GetProperty("Port").GetInt32(), item.GetProperty("Proto").GetInt32());
                var hostIp = item.GetProperty("HostIP").GetString() is { Length: > 0 } ip ? ip : "0.0.0.0";
                var binding = new ContainerPortBinding(hostIp, item.GetProperty("HostPort").GetInt32().ToString(CultureInfo.InvariantCulture));
                (ports[key] = ports.GetValueOrDefault(key) ?? []).Add(binding);
            }
        }

        return ports;
    }

    private static string Key(int port, int proto) => port.ToString(CultureInfo.InvariantCulture) + "/" + proto switch
    {
        6 => "tcp",
        17 => "udp",
        132 => "sctp",
        _ => proto.ToString(CultureInfo.InvariantCulture),
    };
}
