using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Cnm.Core.Control;
using Cnm.Daemon.DockerApi.Events;
using Cnm.Plugins.Registry;

namespace Cnm.Daemon.DockerApi;

/// <summary>Builds <c>GET /info</c> from the controller, the plugin registry and the host (spec/daemon-api.md, "GET /info").</summary>
internal sealed class InfoBuilder(Controller controller, PluginRegistry registry, EventHub events, string dataRoot, bool debug)
{
    private readonly Lazy<string> _id = new(() => DaemonId(dataRoot));

    public InfoResponse Build()
    {
        var (os, osVersion) = OsRelease();
        var networks = controller.Networks;
        var ipam = Names(controller.IpamDrivers, "IpamDriver", networks.Select(n => n.IpamDriver));
        return new InfoResponse
        {
            ID = _id.Value,
            SystemStatus = [["Engine", "cnmd"], ["IPAM Drivers", string.Join(' ', ipam)]],
            Plugins = new InfoPlugins([], Names(controller.NetworkDrivers, "NetworkDriver", networks.Select(n => n.Driver)), null, [], ipam),
            IPv4Forwarding = ReadFlag("/proc/sys/net/ipv4/ip_forward"),
            BridgeNfIptables = ReadFlag("/proc/sys/net/bridge/bridge-nf-call-iptables"),
            BridgeNfIp6tables = ReadFlag("/proc/sys/net/bridge/bridge-nf-call-ip6tables"),
            Debug = debug,
            NFd = Count("/proc/self/fd"),
            NGoroutines = Count("/proc/self/task"),
            SystemTime = DateTimeOffset.Now.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture),
            NEventsListener = events.Listeners,
            KernelVersion = EngineInfo.KernelVersion,
            OperatingSystem = os,
            OSVersion = osVersion,
            Architecture = EngineInfo.Machine,
            NCPU = Environment.ProcessorCount,
            MemTotal = MemTotal(),
            DockerRootDir = dataRoot,
            Name = EngineInfo.NodeName,
            ServerVersion = EngineInfo.Version,
        };
    }

    /// <summary>Docker's rule: the registered drivers, plus the plugins that offer the interface, plus those networks use; sorted.</summary>
    private List<string> Names(IEnumerable<string> registered, string pluginInterface, IEnumerable<string> used) =>
        [.. registered
            .Concat(registry.Plugins.Where(p => p.Implements.Contains(pluginInterface, StringComparer.Ordinal)).Select(p => p.Name))
            .Concat(used)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];

    /// <summary>
    /// Docker keeps a random id in its data root; cnmd writes no file for it, so the id is a UUID derived from the
    /// host's machine id and the data root: the same for every start of this daemon, different for another one.
    /// </summary>
    private static string DaemonId(string dataRoot)
    {
        var machine = Read("/etc/machine-id")?.Trim() ?? EngineInfo.NodeName;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(machine + "\n" + Path.GetFullPath(dataRoot)));
        hash[6] = (byte)((hash[6] & 0x0f) | 0x50); // version 5-style (name-based)
        hash[8] = (byte)((hash[8] & 0x3f) | 0x80); // RFC 4122 variant
        return new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString();
    }

    private static (string Name, string Version) OsRelease()
    {
        var fields = (Read("/etc/os-release") ?? Read("/usr/lib/os-release") ?? "")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('=', 2))
            .Where(p => p.Length == 2)
            .GroupBy(p => p[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First()[1].Trim('"'), StringComparer.Ordinal);
        return (fields.GetValueOrDefault("PRETTY_NAME") ?? "Linux", fields.GetValueOrDefault("VERSION_ID") ?? "");
    }

    private static long MemTotal()
    {
        var line = Read("/proc/meminfo")?.Split('\n').FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        var kb = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1);
        return long.TryParse(kb, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value * 1024 : 0;
    }

    private static bool ReadFlag(string path) => Read(path)?.Trim() == "1";

    private static int Count(string directory)
    {
        try
        {
            return Directory.EnumerateFileSystemEntries(directory).Count();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
