using System.Net;
using System.Net.Sockets;
using Cnm.Core.Model;

namespace Cnm.Linux.Sandboxes;

/// <summary>
/// The <c>hosts</c> and <c>resolv.conf</c> of a sandbox, written as the reference writes them
/// (docs/reference-host.md §6.10.5). A container runtime bind-mounts them; Cnm only writes them.
/// </summary>
internal static class ResolverFiles
{
    private static readonly string[] HostsHeader =
    [
        "127.0.0.1\tlocalhost",
        "::1\tlocalhost ip6-localhost ip6-loopback",
        "fe00::0\tip6-localnet",
        "ff00::0\tip6-mcastprefix",
        "ff02::1\tip6-allnodes",
        "ff02::2\tip6-allrouters",
    ];

    /// <summary>Writes both files into <paramref name="directory"/> (created).</summary>
    public static void Write(string directory, SandboxCreateOptions options, string hostResolvConf)
    {
        Directory.CreateDirectory(directory);
        var extra = options.ExtraHosts.Select(ExtraHostLine);
        File.WriteAllLines(Path.Combine(directory, "hosts"), [.. HostsHeader, .. extra]);
        File.WriteAllText(Path.Combine(directory, "resolv.conf"), ResolvConf(options.Dns, File.Exists(hostResolvConf) ? File.ReadAllLines(hostResolvConf) : []));
    }

    /// <summary>Appends <c>ip\tname</c> for the container's own address (on Join), when it has a host name.</summary>
    public static void AddSelf(string directory, SandboxCreateOptions options, IPAddress address)
    {
        var path = Path.Combine(directory, "hosts");
        if (!string.IsNullOrEmpty(options.Hostname) && File.Exists(path))
        {
            File.AppendAllLines(path, [$"{address}\t{options.Hostname}"]);
        }
    }

    /// <summary>Removes the lines of <paramref name="address"/> added on Join (on Leave).</summary>
    public static void RemoveSelf(string directory, IPAddress address)
    {
        var path = Path.Combine(directory, "hosts");
        if (File.Exists(path))
        {
            var prefix = $"{address}\t";
            File.WriteAllLines(path, File.ReadAllLines(path).Where(l => !l.StartsWith(prefix, StringComparison.Ordinal)));
        }
    }

    /// <summary>
    /// resolv.conf: explicit DNS servers replace the host's nameservers; otherwise the host's non-localhost IPv4
    /// nameservers are kept, and with none left Google's 8.8.8.8 and 8.8.4.4 are used. search and options lines come
    /// from the host file.
    /// </summary>
    public static string ResolvConf(IReadOnlyList<string> dns, IReadOnlyList<string> hostLines)
    {
        var servers = dns.Count > 0
            ? [.. dns]
            : hostLines.Select(Nameserver).OfType<string>().Where(IsUsable).ToList();
        if (servers.Count == 0)
        {
            servers = ["8.8.8.8", "8.8.4.4"];
        }

        var others = hostLines.Where(l => l.StartsWith("search", StringComparison.Ordinal) || l.StartsWith("options", StringComparison.Ordinal));
        return string.Join('\n', [.. servers.Select(s => $"nameserver {s}"), .. others]) + "\n";
    }

    private static string? Nameserver(string line)
    {
        var parts = line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        return parts is ["nameserver", var server, ..] ? server : null;
    }

    private static bool IsUsable(string server) =>
        IPAddress.TryParse(server, out var ip) && !IPAddress.IsLoopback(ip) && ip.AddressFamily == AddressFamily.InterNetwork;

    private static string ExtraHostLine(string entry)
    {
        var colon = entry.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? entry : $"{entry[(colon + 1)..]}\t{entry[..colon]}";
    }
}
