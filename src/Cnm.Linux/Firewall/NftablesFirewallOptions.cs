namespace Cnm.Linux.Firewall;

/// <summary>Options of <see cref="NftablesBridgeFirewall"/>.</summary>
public sealed class NftablesFirewallOptions
{
    /// <summary>The library to load (a soname or a path). Default <c>libnftables.so.1</c>, from Debian's <c>libnftables1</c>.</summary>
    public string LibraryName { get; set; } = LibNftables.DefaultName;

    /// <summary>Our <c>inet</c> table. Default <c>cnm</c>.</summary>
    public string TableName { get; set; } = "cnm";
}
