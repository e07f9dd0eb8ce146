using System.Globalization;

namespace Cnm.Linux.Namespaces;

/// <summary>
/// Whether the process holds what Linux sandboxes need: CAP_SYS_ADMIN (mount, setns, unshare) and CAP_NET_ADMIN
/// (netlink changes). Read from the effective set in <c>/proc/self/status</c>.
/// </summary>
public static class Capabilities
{
    /// <summary>CAP_NET_ADMIN's bit.</summary>
    public const int NetAdmin = 12;

    /// <summary>CAP_SYS_ADMIN's bit.</summary>
    public const int SysAdmin = 21;

    /// <summary>The names of the needed capabilities the process lacks (empty when it has both).</summary>
    public static IReadOnlyList<string> MissingForSandboxes() => Missing(File.ReadAllText("/proc/self/status"));

    /// <summary>The needed capabilities missing from a <c>/proc/&lt;pid&gt;/status</c> text (all when it has no CapEff line).</summary>
    public static IReadOnlyList<string> Missing(string statusText)
    {
        ArgumentNullException.ThrowIfNull(statusText);
        var line = statusText.Split('\n').FirstOrDefault(l => l.StartsWith("CapEff:", StringComparison.Ordinal));
        var effective = line is not null && ulong.TryParse(line["CapEff:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var bits) ? bits : 0UL;
        var missing = new List<string>();
        if ((effective & (1UL << SysAdmin)) == 0)
        {
            missing.Add("CAP_SYS_ADMIN");
        }

        if ((effective & (1UL << NetAdmin)) == 0)
        {
            missing.Add("CAP_NET_ADMIN");
        }

        return missing;
    }
}
