namespace Cnm.Linux.Sandboxes;

/// <summary>
/// The interface alias (IFLA_IFALIAS) that marks a link a Join moved in: <c>cnm:{endpoint id}:{SrcName}</c>. It is set
/// in the host namespace before the move, so that every step after it leaves a link that names its endpoint and the
/// name to give back on Leave, also after a kill -9 (spec/linux-sandboxes.md, "Crash safety").
/// </summary>
internal static class InterfaceAlias
{
    private const string Prefix = "cnm:";

    public static string Format(string endpointId, string srcName) => $"{Prefix}{endpointId}:{srcName}";

    /// <summary>The endpoint id and SrcName in <paramref name="alias"/>, or false when it is not one of ours.</summary>
    public static bool TryParse(string? alias, out string endpointId, out string srcName)
    {
        endpointId = srcName = "";
        if (alias is null || !alias.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = alias[Prefix.Length..];
        var colon = rest.IndexOf(':', StringComparison.Ordinal); // an endpoint id has no colon; an interface name neither
        if (colon <= 0 || colon == rest.Length - 1)
        {
            return false;
        }

        (endpointId, srcName) = (rest[..colon], rest[(colon + 1)..]);
        return true;
    }

    /// <summary>True when <paramref name="alias"/> marks the interface of <paramref name="endpointId"/>.</summary>
    public static bool IsOf(string? alias, string endpointId) => TryParse(alias, out var id, out _) && id == endpointId;
}
