using System.Globalization;
using Cnm.Core.Errors;

namespace Cnm.Store.Etcd;

/// <summary>A parsed <c>etcd://h1:p1,h2:p2</c> or <c>etcds://…</c> endpoint list.</summary>
/// <param name="Members">Host and port of each member, in the order given.</param>
/// <param name="Tls">True for <c>etcds://</c>.</param>
internal sealed record EtcdEndpoints(IReadOnlyList<(string Host, int Port)> Members, bool Tls)
{
    /// <summary>The URL list dotnet-etcd takes: <c>http://h1:p1,http://h2:p2</c>.</summary>
    public string ToConnectionString() =>
        string.Join(",", Members.Select(m => string.Create(CultureInfo.InvariantCulture, $"{(Tls ? "https" : "http")}://{FormatHost(m.Host)}:{m.Port}")));

    /// <summary>The list as the user wrote it, normalised, for messages.</summary>
    public override string ToString() =>
        (Tls ? "etcds://" : "etcd://") + string.Join(",", Members.Select(m => string.Create(CultureInfo.InvariantCulture, $"{FormatHost(m.Host)}:{m.Port}")));

    /// <summary>Parses the list; InvalidParameter names the part that is wrong.</summary>
    public static EtcdEndpoints Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw CnmException.InvalidParameter("etcd endpoints are empty: expected etcd://host:port[,host:port…] or etcds://…");
        }

        bool tls;
        string rest;
        if (text.StartsWith("etcd://", StringComparison.OrdinalIgnoreCase))
        {
            (tls, rest) = (false, text["etcd://".Length..]);
        }
        else if (text.StartsWith("etcds://", StringComparison.OrdinalIgnoreCase))
        {
            (tls, rest) = (true, text["etcds://".Length..]);
        }
        else
        {
            throw CnmException.InvalidParameter($"etcd endpoints \"{text}\" must start with etcd:// or etcds://");
        }

        var members = new List<(string, int)>();
        foreach (var part in rest.Split(','))
        {
            members.Add(ParseMember(text, part.Trim()));
        }

        return new EtcdEndpoints(members, tls);
    }

    private static (string, int) ParseMember(string text, string part)
    {
        var colon = part.LastIndexOf(':');
        var host = colon > 0 ? part[..colon] : "";
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        if (host.Length == 0 || host.Contains('/', StringComparison.Ordinal) || host.Contains(' ', StringComparison.Ordinal)
            || !int.TryParse(part[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw CnmException.InvalidParameter($"etcd endpoint \"{part}\" in \"{text}\" is not host:port (port 1-65535)");
        }

        return (host, port);
    }

    private static string FormatHost(string host) => host.Contains(':', StringComparison.Ordinal) ? "[" + host + "]" : host;
}
