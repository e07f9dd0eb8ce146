using System.Text.Json;
using System.Text.Json.Nodes;
using Cnm.Protocol;

namespace Cnm.Plugins.Testing;

/// <summary>
/// The default script: a working network driver and IPAM that keep their objects in memory. Unknown network or
/// endpoint IDs get clean errors; deletes and releases of what is already gone succeed (they are idempotent).
/// </summary>
internal sealed class MockDefaults(MockPlugin plugin)
{
    private readonly Lock _lock = new();
    private readonly HashSet<string> _networks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _endpoints = new(StringComparer.Ordinal); // endpoint → network
    private readonly Dictionary<string, MockPool> _pools = new(StringComparer.Ordinal);
    private int _nextPool;

    public static MockReply Error(string method, string message, int status = 500)
    {
        var body = new JsonObject { ["Err"] = message };
        if (method.StartsWith("IpamDriver.", StringComparison.Ordinal))
        {
            body["Error"] = message;
        }

        return MockReply.Json(body.ToJsonString(), status);
    }

    public MockReply Reply(MockCall call)
    {
        var method = call.Method;
        if (method == PluginMethods.Activate)
        {
            return Json(new JsonObject { ["Implements"] = new JsonArray([.. plugin.Implements.Select(i => (JsonNode)i)]) });
        }

        var isNetwork = method.StartsWith("NetworkDriver.", StringComparison.Ordinal);
        var isIpam = method.StartsWith("IpamDriver.", StringComparison.Ordinal);
        if ((!isNetwork && !isIpam)
            || !plugin.Implements.Contains(isNetwork ? PluginInterfaces.NetworkDriver : PluginInterfaces.IpamDriver)
            || !(isNetwork ? PluginMethods.Network.All : PluginMethods.Ipam.All).Contains(method))
        {
            return MockReply.Text("404 page not found\n", 404);
        }

        JsonElement body = default;
        var hasBody = method is not (PluginMethods.Network.GetCapabilities or PluginMethods.Ipam.GetCapabilities
            or PluginMethods.Ipam.GetDefaultAddressSpaces);
        if (hasBody)
        {
            try
            {
                using var document = JsonDocument.Parse(call.Body);
                body = document.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                return MockReply.Text($"{method}: cannot decode the request: malformed JSON: {ex.Message}\n", 400);
            }

            if (body.ValueKind != JsonValueKind.Object)
            {
                return MockReply.Text($"{method}: cannot decode the request: a JSON object is expected\n", 400);
            }
        }

        lock (_lock)
        {
            return isNetwork ? Network(method, body) : Ipam(method, body);
        }
    }

    private MockReply Network(string method, JsonElement body)
    {
        switch (method)
        {
            case PluginMethods.Network.GetCapabilities:
                var capabilities = new JsonObject { ["Scope"] = plugin.Scope };
                if (plugin.ConnectivityScope is { } connectivity)
                {
                    capabilities["ConnectivityScope"] = connectivity;
                }

                return Json(capabilities);
            case PluginMethods.Network.CreateNetwork:
                var networkId = Text(body, "NetworkID");
                return _networks.Add(networkId) ? Empty() : Error(method, $"network {networkId} already exists");
            case PluginMethods.Network.DeleteNetwork:
                var deleted = Text(body, "NetworkID");
                if (_endpoints.ContainsValue(deleted))
                {
                    return Error(method, $"network {deleted} still has endpoints");
                }

                _networks.Remove(deleted);
                return Empty();
            case PluginMethods.Network.CreateEndpoint:
                var network = Text(body, "NetworkID");
                var endpoint = Text(body, "EndpointID");
                if (!_networks.Contains(network))
                {
                    return Error(method, $"network {network} not found");
                }

                return _endpoints.TryAdd(endpoint, network) ? Empty() : Error(method, $"endpoint {endpoint} already exists");
            case PluginMethods.Network.DeleteEndpoint:
                _endpoints.Remove(Text(body, "EndpointID"));
                return Empty();
            case PluginMethods.Network.Join:
                var joining = Text(body, "EndpointID");
                if (!_endpoints.ContainsKey(joining))
                {
                    return Error(method, $"endpoint {joining} not found");
                }

                return Json(new JsonObject
                {
                    ["InterfaceName"] = new JsonObject { ["SrcName"] = "veth-mock", ["DstPrefix"] = "eth", ["DstName"] = "" },
                });
            case PluginMethods.Network.EndpointOperInfo:
                return Json(new JsonObject { ["Value"] = new JsonObject() });
            default:
                return Empty(); // AllocateNetwork, FreeNetwork, Leave, Discover*, Program/RevokeExternalConnectivity
        }
    }

    private MockReply Ipam(string method, JsonElement body)
    {
        switch (method)
        {
            case PluginMethods.Ipam.GetCapabilities:
                return Json(new JsonObject { ["RequiresMACAddress"] = plugin.RequiresMacAddress, ["RequiresRequestReplay"] = false });
            case PluginMethods.Ipam.GetDefaultAddressSpaces:
                return Json(new JsonObject
                {
                    ["LocalDefaultAddressSpace"] = MockPlugin.LocalAddressSpace,
                    ["GlobalDefaultAddressSpace"] = MockPlugin.GlobalAddressSpace,
                });
            case PluginMethods.Ipam.RequestPool:
                var v6 = body.TryGetProperty("V6", out var flag) && flag.ValueKind == JsonValueKind.True;
                var requested = Text(body, "Pool");
                var n = _nextPool++;
                if (!MockPool.TryParse(requested.Length > 0 ? requested : v6 ? $"fd00:200:{n:x}::/64" : $"10.{200 + (n % 50)}.{n / 50}.0/24",
                        out var pool))
                {
                    return Error(method, $"\"{requested}\" is not a CIDR pool");
                }

                var poolId = $"mock-pool-{n}";
                _pools[poolId] = pool;
                return Json(new JsonObject { ["PoolID"] = poolId, ["Pool"] = pool.ToString(), ["Data"] = new JsonObject() });
            case PluginMethods.Ipam.ReleasePool:
                _pools.Remove(Text(body, "PoolID"));
                return Empty();
            case PluginMethods.Ipam.RequestAddress:
                var id = Text(body, "PoolID");
                if (!_pools.TryGetValue(id, out var from))
                {
                    return Error(method, $"pool {id} not found");
                }

                var address = from.Allocate(Text(body, "Address"), out var problem);
                return address is null ? Error(method, problem!) : Json(new JsonObject { ["Address"] = address, ["Data"] = new JsonObject() });
            case PluginMethods.Ipam.ReleaseAddress:
                if (_pools.TryGetValue(Text(body, "PoolID"), out var owner))
                {
                    owner.Release(Text(body, "Address"));
                }

                return Empty();
            default:
                return Empty();
        }
    }

    private static string Text(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    private static MockReply Json(JsonObject body) => MockReply.Json(body.ToJsonString());

    private static MockReply Empty() => MockReply.Json("{}");
}
