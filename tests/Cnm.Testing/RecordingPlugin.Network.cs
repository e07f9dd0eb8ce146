using System.Text.Json;
using System.Text.Json.Nodes;
using Cnm.Protocol;

namespace Cnm.Testing;

public sealed partial class RecordingPlugin
{
    private readonly Dictionary<string, HeldNetwork> _networks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HeldEndpoint> _endpoints = new(StringComparer.Ordinal);
    private readonly HashSet<string> _joined = new(StringComparer.Ordinal);
    private readonly HashSet<string> _programmed = new(StringComparer.Ordinal);

    /// <summary>
    /// The Join answer for a call (the request body is given); null gives the default:
    /// <c>InterfaceName {SrcName "veth-x", DstPrefix "eth"}</c> and <c>Gateway</c> = the network's IPv4
    /// gateway without its mask (left out when the network has none).
    /// </summary>
    public Func<PluginCall, string>? JoinReply { get; set; }

    /// <summary>Network ids the plugin holds (created and not deleted), sorted.</summary>
    public IReadOnlyList<string> Networks
    {
        get
        {
            lock (_lock)
            {
                return [.. _networks.Keys.Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Endpoint ids the plugin holds, sorted.</summary>
    public IReadOnlyList<string> Endpoints
    {
        get
        {
            lock (_lock)
            {
                return [.. _endpoints.Keys.Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Endpoint ids joined (Join minus Leave), sorted.</summary>
    public IReadOnlyList<string> JoinedEndpoints
    {
        get
        {
            lock (_lock)
            {
                return [.. _joined.Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Endpoint ids with external connectivity (Program minus Revoke), sorted.</summary>
    public IReadOnlyList<string> ProgrammedEndpoints
    {
        get
        {
            lock (_lock)
            {
                return [.. _programmed.Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Everything the plugin holds, as text: networks, endpoints, joins, pools and addresses.</summary>
    public string Snapshot()
    {
        lock (_lock)
        {
            var lines = new List<string>();
            lines.AddRange(_networks.Keys.Order(StringComparer.Ordinal).Select(id => $"network {id}"));
            lines.AddRange(_endpoints.Values.OrderBy(e => e.Id, StringComparer.Ordinal)
                .Select(e => $"endpoint {e.Id} network={e.NetworkId} {e.Interface}"));
            lines.AddRange(_joined.Order(StringComparer.Ordinal).Select(id => $"joined {id}"));
            lines.AddRange(_programmed.Order(StringComparer.Ordinal).Select(id => $"programmed {id}"));
            foreach (var pool in _pools.Values.OrderBy(p => p.Id, StringComparer.Ordinal))
            {
                lines.Add($"pool {pool.Id} {pool.Pool}");
                lines.AddRange(pool.Addresses.Order().Select(offset => $"  address {pool.Pool.At(offset)}"));
            }

            return string.Join('\n', lines);
        }
    }

    private PluginReply CreateNetwork(JsonElement body)
    {
        var id = Text(body, "NetworkID");
        if (id.Length == 0 || _networks.ContainsKey(id))
        {
            return Failure(PluginMethods.Network.CreateNetwork, $"network \"{id}\" exists or has no id");
        }

        _networks[id] = new HeldNetwork(id, FirstGateway(body, "IPv4Data"), FirstGateway(body, "IPv6Data"));
        return Empty;
    }

    private PluginReply DeleteNetwork(JsonElement body)
    {
        var id = Text(body, "NetworkID");
        if (!_networks.ContainsKey(id))
        {
            return Failure(PluginMethods.Network.DeleteNetwork, $"no network \"{id}\"");
        }

        if (_endpoints.Values.Any(e => e.NetworkId == id))
        {
            return Failure(PluginMethods.Network.DeleteNetwork, $"network \"{id}\" still has endpoints");
        }

        _networks.Remove(id);
        return Empty;
    }

    private PluginReply CreateEndpoint(JsonElement body)
    {
        var networkId = Text(body, "NetworkID");
        var id = Text(body, "EndpointID");
        if (!_networks.ContainsKey(networkId))
        {
            return Failure(PluginMethods.Network.CreateEndpoint, $"no network \"{networkId}\"");
        }

        if (id.Length == 0 || _endpoints.ContainsKey(id))
        {
            return Failure(PluginMethods.Network.CreateEndpoint, $"endpoint \"{id}\" exists or has no id");
        }

        var iface = body.TryGetProperty("Interface", out var value) ? value.GetRawText() : "null";
        _endpoints[id] = new HeldEndpoint(id, networkId, iface);
        return Empty;
    }

    private PluginReply DeleteEndpoint(JsonElement body)
    {
        var id = Text(body, "EndpointID");
        if (!_endpoints.TryGetValue(id, out var endpoint) || endpoint.NetworkId != Text(body, "NetworkID"))
        {
            return Failure(PluginMethods.Network.DeleteEndpoint, $"no endpoint \"{id}\" in that network");
        }

        _endpoints.Remove(id);
        _joined.Remove(id);
        _programmed.Remove(id);
        return Empty;
    }

    private PluginReply EndpointOperInfo(JsonElement body)
    {
        var id = Text(body, "EndpointID");
        return _endpoints.ContainsKey(id)
            ? Json(new JsonObject { ["Value"] = new JsonObject { ["endpoint"] = id } })
            : Failure(PluginMethods.Network.EndpointOperInfo, $"no endpoint \"{id}\"");
    }

    private PluginReply Join(JsonElement body)
    {
        var networkId = Text(body, "NetworkID");
        var id = Text(body, "EndpointID");
        if (!_endpoints.TryGetValue(id, out var endpoint) || endpoint.NetworkId != networkId || _joined.Contains(id))
        {
            return Failure(PluginMethods.Network.Join, $"endpoint \"{id}\" is unknown or already joined");
        }

        string reply;
        if (JoinReply is { } custom)
        {
            reply = custom(new PluginCall(-1, PluginMethods.Network.Join, body.GetRawText()));
        }
        else
        {
            var answer = new JsonObject { ["InterfaceName"] = new JsonObject { ["SrcName"] = "veth-x", ["DstPrefix"] = "eth" } };
            if (_networks[networkId].Gateway is { } gateway)
            {
                answer["Gateway"] = gateway;
            }

            reply = answer.ToJsonString();
        }

        _joined.Add(id);
        return PluginReply.Json(reply);
    }

    private PluginReply Leave(JsonElement body)
    {
        var id = Text(body, "EndpointID");
        if (!_joined.Remove(id))
        {
            return Failure(PluginMethods.Network.Leave, $"endpoint \"{id}\" is not joined");
        }

        _programmed.Remove(id);
        return Empty;
    }

    private PluginReply ProgramExternalConnectivity(JsonElement body)
    {
        var id = Text(body, "EndpointID");
        if (!_joined.Contains(id))
        {
            return Failure(PluginMethods.Network.ProgramExternalConnectivity, $"endpoint \"{id}\" is not joined");
        }

        _programmed.Add(id);
        return Empty;
    }

    private PluginReply RevokeExternalConnectivity(JsonElement body)
    {
        _programmed.Remove(Text(body, "EndpointID"));
        return Empty;
    }

    /// <summary>The first pool's gateway without its mask, or null.</summary>
    private static string? FirstGateway(JsonElement body, string member)
    {
        if (!body.TryGetProperty(member, out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
        {
            return null;
        }

        var gateway = Text(list[0], "Gateway");
        var slash = gateway.IndexOf('/', StringComparison.Ordinal);
        return gateway.Length == 0 ? null : slash < 0 ? gateway : gateway[..slash];
    }

    private sealed record HeldNetwork(string Id, string? Gateway, string? GatewayIPv6);

    private sealed record HeldEndpoint(string Id, string NetworkId, string Interface);
}
