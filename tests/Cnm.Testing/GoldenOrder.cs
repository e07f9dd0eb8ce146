using Cnm.Protocol.Network;

namespace Cnm.Testing;

/// <summary>
/// Members whose values a golden test must not reorder when it scrambles a golden body
/// (<see cref="JsonStructure.ReverseMemberOrder"/>): the values the reference writes from Go structs held in a
/// free-form slot, which Cnm passes through in the order they were built (the port lists, <c>DiscoveryData</c>).
/// </summary>
public static class GoldenOrder
{
    public static IReadOnlySet<string> BuiltInOrder { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        StructValuedOptions.ExposedPorts,
        StructValuedOptions.PortMap,
        "DiscoveryData",
    };

    /// <summary>The golden body with every other object's members reversed.</summary>
    public static string Scrambled(string golden) => JsonStructure.ReverseMemberOrder(golden, BuiltInOrder);
}
