using System.Globalization;
using System.Net;
using Cnm.Core.Errors;
using Cnm.Linux.Netlink;

namespace Cnm.Linux.Drivers.Bridge;

/// <summary>
/// A bridge network's driver options, parsed and checked before anything is made (spec/bridge.md, "Options"). Unknown
/// keys are ignored, as the reference does.
/// </summary>
internal sealed record BridgeConfig
{
    public const string NameOption = "com.docker.network.bridge.name";
    public const string MasqueradeOption = "com.docker.network.bridge.enable_ip_masquerade";
    public const string IccOption = "com.docker.network.bridge.enable_icc";
    public const string HostBindingOption = "com.docker.network.bridge.host_binding_ipv4";
    public const string MtuOption = "com.docker.network.driver.mtu";
    public const string PrefixOption = "com.docker.network.container_iface_prefix";

    public required string BridgeName { get; init; }

    public bool Masquerade { get; init; } = true;

    public bool Icc { get; init; } = true;

    public bool Internal { get; init; }

    public IPAddress? HostBindingIPv4 { get; init; }

    public int Mtu { get; init; }

    public string InterfacePrefix { get; init; } = "eth";

    /// <summary>The default bridge name of a network: <c>br-</c> and the first 12 characters of its id.</summary>
    public static string DefaultName(string networkId) => "br-" + networkId[..Math.Min(12, networkId.Length)];

    public static BridgeConfig Parse(string networkId, IReadOnlyDictionary<string, string> options, bool isInternal)
    {
        var what = $"bridge network {networkId[..Math.Min(12, networkId.Length)]}";
        var name = options.TryGetValue(NameOption, out var n) && n.Length > 0 ? n : DefaultName(networkId);
        if (!LinkNames.IsValid(name))
        {
            throw CnmException.InvalidParameter(
                $"{what}: invalid value \"{name}\" for option {NameOption}: not a valid interface name (1 to {LinkNames.MaxLength} bytes, no '/', ':' or white space)");
        }

        var mtu = 0;
        if (options.TryGetValue(MtuOption, out var m) && m.Length > 0
            && (!int.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out mtu) || mtu is < 68 or > 65535))
        {
            throw CnmException.InvalidParameter($"{what}: invalid value \"{m}\" for option {MtuOption}: it must be a number from 68 to 65535");
        }

        var prefix = options.TryGetValue(PrefixOption, out var p) && p.Length > 0 ? p : "eth";
        if (!LinkNames.IsValid(prefix + "0") || prefix.Length > 12)
        {
            throw CnmException.InvalidParameter($"{what}: invalid value \"{prefix}\" for option {PrefixOption}: not a usable interface name prefix");
        }

        return new BridgeConfig
        {
            BridgeName = name,
            Masquerade = DriverArgs.Bool(options, MasqueradeOption, true, what) && !isInternal,
            Icc = DriverArgs.Bool(options, IccOption, true, what),
            HostBindingIPv4 = DriverArgs.IPv4(options, HostBindingOption, what),
            Internal = isInternal,
            Mtu = mtu,
            InterfacePrefix = prefix,
        };
    }
}
