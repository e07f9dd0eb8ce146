using System.Net;

namespace Cnm.Linux.Firewall;

/// <summary>
/// The comments that tag our rules, so that a listing says whose a rule is: <c>net:ID bridge:NAME [hb:IP]</c> on a
/// network's jump rules, <c>ep:ID map:PROTO/PORT/IP</c> on an endpoint's DNAT rules (<c>*</c> for every address),
/// <c>cnm:base</c> on the table's own rule. nft keeps at most 127 bytes of comment; ids are checked to fit.
/// </summary>
internal static class RuleTag
{
    public const string Base = "cnm:base";

    public static string Network(string networkId, string bridge, IPAddress? hostBinding) =>
        hostBinding is null ? $"net:{networkId} bridge:{bridge}" : $"net:{networkId} bridge:{bridge} hb:{hostBinding}";

    public static string Port(string endpointId, string protocol, int hostPort, IPAddress? hostIp) =>
        $"ep:{endpointId} map:{protocol}/{hostPort}/{(hostIp is null ? "*" : hostIp.ToString())}";

    /// <summary>The value of <paramref name="key"/> in a comment, or null.</summary>
    public static string? Get(string? comment, string key)
    {
        if (comment is null)
        {
            return null;
        }

        foreach (var token in comment.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = token.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && token.AsSpan(0, colon).SequenceEqual(key))
            {
                return token[(colon + 1)..];
            }
        }

        return null;
    }
}
