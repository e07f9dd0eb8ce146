namespace Cnm.Linux.Drivers;

/// <summary>
/// How the built-in drivers mark the links they make, so that ownership survives a crash: the link's alias
/// (IFLA_IFALIAS) is <c>cnm.&lt;driver&gt;.network=&lt;id&gt;</c> for a network's link (a bridge, macvlan's dummy
/// parent) and <c>cnm.&lt;driver&gt;.endpoint=&lt;id&gt;</c> for an endpoint's host-side link. A link without such an
/// alias is never deleted by Cnm.
/// </summary>
internal static class OwnedLinks
{
    public static string NetworkAlias(string driver, string networkId) => $"cnm.{driver}.network={networkId}";

    public static string EndpointAlias(string driver, string endpointId) => $"cnm.{driver}.endpoint={endpointId}";

    /// <summary>The network id in a network alias of <paramref name="driver"/>, or null.</summary>
    public static string? NetworkOf(string driver, string? alias) => After(alias, $"cnm.{driver}.network=");

    /// <summary>The endpoint id in an endpoint alias of <paramref name="driver"/>, or null.</summary>
    public static string? EndpointOf(string driver, string? alias) => After(alias, $"cnm.{driver}.endpoint=");

    private static string? After(string? alias, string prefix) =>
        alias is not null && alias.StartsWith(prefix, StringComparison.Ordinal) && alias.Length > prefix.Length ? alias[prefix.Length..] : null;
}
