using System.Globalization;
using System.Net;
using Cnm.Core.Errors;

namespace Cnm.Core.Model;

/// <summary>
/// Docker's container port shapes (<c>"80/tcp"</c> keys, host bindings <c>{"HostIp":"","HostPort":"8080"}</c>) turned
/// into the wire shapes drivers receive, as dockerd builds them for a sandbox (spec/controller.md, "Ports"). Every
/// bad spec is an InvalidParameter error that names the port.
/// </summary>
public static class PortSpecs
{
    /// <summary>The exposed ports: each key of <paramref name="exposed"/> and of <paramref name="bindings"/>, sorted by port then protocol.</summary>
    public static IReadOnlyList<TransportPort> Exposed(IEnumerable<string> exposed, IEnumerable<string> bindings) =>
    [
        .. exposed.Concat(bindings).Select(ParsePort).Distinct().OrderBy(p => p.Port).ThenBy(p => p.Proto),
    ];

    /// <summary>The port map: one entry per host binding, in the order of <see cref="Exposed"/> and then as given.</summary>
    public static IReadOnlyList<PortBinding> Map(IEnumerable<KeyValuePair<string, IReadOnlyList<(string? HostIp, string? HostPort)>>> bindings)
    {
        var list = new List<PortBinding>();
        foreach (var (spec, hosts) in bindings.Select(b => (b.Key, b.Value)).OrderBy(b => ParsePort(b.Key).Port).ThenBy(b => ParsePort(b.Key).Proto))
        {
            var port = ParsePort(spec);
            foreach (var (hostIp, hostPort) in hosts)
            {
                var (start, end) = ParseHostPorts(spec, hostPort);
                list.Add(new PortBinding
                {
                    Proto = port.Proto,
                    Port = port.Port,
                    HostIP = ParseHostIp(spec, hostIp),
                    HostPort = start,
                    HostPortEnd = end,
                });
            }
        }

        return list;
    }

    /// <summary>Parses <c>80</c>, <c>80/tcp</c>, <c>53/udp</c> or <c>9/sctp</c> (tcp when no protocol is given).</summary>
    public static TransportPort ParsePort(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var slash = spec.IndexOf('/', StringComparison.Ordinal);
        var number = slash < 0 ? spec : spec[..slash];
        var proto = slash < 0 ? "tcp" : spec[(slash + 1)..];
        byte protocol = proto.ToLowerInvariant() switch
        {
            "tcp" => 6,
            "udp" => 17,
            "sctp" => 132,
            _ => throw CnmException.InvalidParameter($"invalid port \"{spec}\": unknown protocol \"{proto}\" (tcp, udp or sctp)"),
        };
        if (!ushort.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port == 0)
        {
            throw CnmException.InvalidParameter($"invalid port \"{spec}\": the port must be a number from 1 to 65535");
        }

        return new TransportPort(protocol, port);
    }

    private static (ushort Start, ushort End) ParseHostPorts(string spec, string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return (0, 0);
        }

        var dash = text.IndexOf('-', StringComparison.Ordinal);
        var start = ParseHostPort(spec, dash < 0 ? text : text[..dash]);
        var end = dash < 0 ? start : ParseHostPort(spec, text[(dash + 1)..]);
        if (end < start)
        {
            throw CnmException.InvalidParameter($"invalid host port \"{text}\" for port {spec}: the range ends before it starts");
        }

        return (start, end);

        static ushort ParseHostPort(string spec, string part) =>
            ushort.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw CnmException.InvalidParameter($"invalid host port \"{part}\" for port {spec}: expected a number from 0 to 65535 or a range such as 8080-8090");
    }

    private static string ParseHostIp(string spec, string? text) =>
        string.IsNullOrEmpty(text) ? ""
        : IPAddress.TryParse(text, out var address) ? address.ToString()
        : throw CnmException.InvalidParameter($"invalid host IP \"{text}\" for port {spec}: expected an IPv4 or IPv6 address");
}
