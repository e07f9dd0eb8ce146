namespace Cnm.Cli;

/// <summary>
/// <c>cnm sandbox create --expose/--publish</c> into the native body's Docker shapes; the daemon checks the port specs
/// and answers 400 naming a bad one.
/// </summary>
internal static class SandboxPorts
{
    public static SandboxCreateBody Body(string containerId, string? name, IReadOnlyList<string> expose, IReadOnlyList<string> publish)
    {
        var exposed = expose.ToDictionary(e => e, _ => new Dictionary<string, string>(), StringComparer.Ordinal);
        var bindings = new Dictionary<string, List<HostBindingBody>>(StringComparer.Ordinal);
        foreach (var spec in publish)
        {
            var (port, binding) = ParsePublish(spec);
            if (!bindings.TryGetValue(port, out var list))
            {
                bindings[port] = list = [];
            }

            list.Add(binding);
        }

        return new SandboxCreateBody(containerId, name, exposed.Count == 0 ? null : exposed, bindings.Count == 0 ? null : bindings);
    }

    /// <summary><c>80</c>, <c>8080:80</c>, <c>127.0.0.1:8080:80/udp</c>, <c>[::1]:8080:80</c> or <c>127.0.0.1::80</c>.</summary>
    private static (string Port, HostBindingBody Binding) ParsePublish(string spec)
    {
        var last = spec.LastIndexOf(':');
        if (last < 0)
        {
            return (spec, new HostBindingBody("", ""));
        }

        var port = spec[(last + 1)..];
        var rest = spec[..last];
        var second = rest.LastIndexOf(':');
        var (ip, hostPort) = second < 0 ? ("", rest) : (rest[..second], rest[(second + 1)..]);
        if (ip.StartsWith('[') && ip.EndsWith(']'))
        {
            ip = ip[1..^1];
        }

        return (port, new HostBindingBody(ip, hostPort));
    }
}
