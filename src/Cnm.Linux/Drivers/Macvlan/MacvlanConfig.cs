using Cnm.Core.Errors;
using Cnm.Linux.Netlink;

namespace Cnm.Linux.Drivers.Macvlan;

/// <summary>A macvlan network's options (spec/bridge.md, "macvlan"): <c>parent</c> and <c>macvlan_mode</c>.</summary>
internal sealed record MacvlanConfig(string? Parent, MacvlanMode Mode, bool Internal, string InterfacePrefix)
{
    public const string ParentOption = "parent";
    public const string ModeOption = "macvlan_mode";

    /// <summary>The dummy parent of a network made without one: <c>dm-</c> and 12 characters of the id, as the reference names it.</summary>
    public static string DummyName(string networkId) => "dm-" + networkId[..12];

    public static MacvlanConfig Parse(string networkId, IReadOnlyDictionary<string, string> options, bool isInternal)
    {
        var what = $"macvlan network {networkId[..12]}";
        string? parent = options.TryGetValue(ParentOption, out var p) && p.Length > 0 ? p : null;
        if (parent is not null && !LinkNames.IsValid(parent))
        {
            throw CnmException.InvalidParameter($"{what}: invalid value \"{parent}\" for option {ParentOption}: not a valid interface name");
        }

        var mode = !options.TryGetValue(ModeOption, out var m) || m.Length == 0 ? MacvlanMode.Bridge : m switch
        {
            "bridge" => MacvlanMode.Bridge,
            "private" => MacvlanMode.Private,
            "vepa" => MacvlanMode.Vepa,
            "passthru" => MacvlanMode.Passthru,
            _ => throw CnmException.InvalidParameter($"{what}: invalid value \"{m}\" for option {ModeOption}: it must be bridge, private, vepa or passthru"),
        };
        return new MacvlanConfig(parent, mode, isInternal || parent is null, "eth");
    }
}
