namespace Cnm.Core.Drivers;

/// <summary>Names of the built-in network drivers.</summary>
public static class BuiltInDrivers
{
    /// <summary>No networking at all: the sandbox gets no interface.</summary>
    public const string Null = "null";

    /// <summary>The host's own network namespace.</summary>
    public const string Host = "host";

    /// <summary>A Linux bridge.</summary>
    public const string Bridge = "bridge";

    /// <summary>macvlan sub-interfaces of a parent link.</summary>
    public const string Macvlan = "macvlan";
}
