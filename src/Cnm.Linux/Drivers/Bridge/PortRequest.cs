using System.Globalization;
using System.Net;
using System.Text.Json;
using Cnm.Core.Errors;
using Cnm.Core.Drivers;
using Cnm.Core.Model;

namespace Cnm.Linux.Drivers.Bridge;

/// <summary>One entry of <c>com.docker.network.portmap</c> as the controller sends it (libnetwork's types.PortBinding).</summary>
internal sealed record PortRequest(string Protocol, int ContainerPort, IPAddress? HostIp, int HostPort, int HostPortEnd)
{
    public override string ToString() =>
        $"{(HostIp is null ? "" : HostIp + ":")}{(HostPort == 0 ? "" : HostPortEnd > HostPort ? $"{HostPort}-{HostPortEnd}" : HostPort.ToString(CultureInfo.InvariantCulture))}->{ContainerPort}/{Protocol}";

    public static IReadOnlyList<PortRequest> Parse(IReadOnlyDictionary<string, JsonElement> options, string what)
    {
        if (!options.TryGetValue(DriverOptionKeys.PortMap, out var map) || map.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var list = new List<PortRequest>();
        foreach (var item in map.EnumerateArray())
        {
            var proto = Number(item, "Proto");
            var protocol = proto switch
            {
                6 => "tcp",
                17 => "udp",
                132 => "sctp",
                _ => throw CnmException.InvalidParameter($"{what}: published port with unknown protocol number {proto}"),
            };
            var hostIpText = item.TryGetProperty("HostIP", out var h) && h.ValueKind == JsonValueKind.String ? h.GetString() : null;
            IPAddress? hostIp = null;
            if (!string.IsNullOrEmpty(hostIpText) && !IPAddress.TryParse(hostIpText, out hostIp))
            {
                throw CnmException.InvalidParameter($"{what}: published port with invalid host address \"{hostIpText}\"");
            }

            var port = Number(item, "Port");
            var hostPort = Number(item, "HostPort");
            var end = Math.Max(Number(item, "HostPortEnd"), hostPort);
            if (port is < 1 or > 65535 || hostPort is < 0 or > 65535 || end > 65535)
            {
                throw CnmException.InvalidParameter($"{what}: published port {hostPort}->{port}/{protocol} is out of range");
            }

            list.Add(new PortRequest(protocol, port, hostIp is not null && (hostIp.Equals(IPAddress.Any) || hostIp.Equals(IPAddress.IPv6Any)) ? null : hostIp,
                hostPort, hostPort == 0 ? 0 : end));
        }

        return list;
    }

    /// <summary>A port binding of the state (a sandbox's), as the controller would have sent it in the port map.</summary>
    public static PortRequest From(PortBinding binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        var protocol = binding.Proto switch { 17 => "udp", 132 => "sctp", _ => "tcp" };
        IPAddress? hostIp = IPAddress.TryParse(binding.HostIP, out var parsed) && !parsed.Equals(IPAddress.Any) && !parsed.Equals(IPAddress.IPv6Any) ? parsed : null;
        return new PortRequest(protocol, binding.Port, hostIp, binding.HostPort, binding.HostPort == 0 ? 0 : Math.Max(binding.HostPortEnd, binding.HostPort));
    }

    private static int Number(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) ? n : 0;
}
