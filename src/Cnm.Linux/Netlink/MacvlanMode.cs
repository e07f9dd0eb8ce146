namespace Cnm.Linux.Netlink;

/// <summary>How a macvlan link talks to its siblings (IFLA_MACVLAN_MODE).</summary>
public enum MacvlanMode : uint
{
    /// <summary>No traffic between siblings.</summary>
    Private = 1,

    /// <summary>Sibling traffic goes out to the switch.</summary>
    Vepa = 2,

    /// <summary>Siblings talk directly (Docker's default).</summary>
    Bridge = 4,

    /// <summary>One macvlan takes the parent over.</summary>
    Passthru = 8,
}
