using System.Net.Sockets;

namespace Cnm.Linux.Netlink;

public sealed partial class NetlinkClient
{
    /// <summary>Adds a route; EEXIST (Conflict) when the same route is there already.</summary>
    public void AddRoute(NetlinkRoute route)
    {
        ArgumentNullException.ThrowIfNull(route);
        _socket.Execute(RouteMessages.Change(add: true, route), $"add route {Describe(route)}");
    }

    /// <summary>Deletes a route; ESRCH (NotFound) when there is no such route.</summary>
    public void DeleteRoute(NetlinkRoute route)
    {
        ArgumentNullException.ThrowIfNull(route);
        _socket.Execute(RouteMessages.Change(add: false, route), $"delete route {Describe(route)}");
    }

    /// <summary>
    /// The routes of one family (an RTM_GETROUTE dump). By default only the main table; pass <paramref name="table"/>
    /// 0 for every table (including the local one).
    /// </summary>
    public IReadOnlyList<NetlinkRoute> GetRoutes(AddressFamily family, int table = Nl.RtTableMain) =>
        [.. _socket.Dump(RouteMessages.DumpAll(family), "list routes")
            .Where(m => m.Type == Nl.NewRoute)
            .Select(m => RouteMessages.Parse(m.Payload))
            .OfType<NetlinkRoute>()
            .Where(r => table == 0 || r.Table == table)];

    private static string Describe(NetlinkRoute r)
    {
        var text = r.IsDefault ? "default" : r.Destination.Network.ToString();
        text += r.Gateway is null ? "" : $" via {r.Gateway}";
        text += r.OutputInterfaceIndex > 0 ? $" dev {r.OutputInterfaceIndex}" : "";
        return r.Scope == RouteScope.Link ? text + " scope link" : text;
    }
}
