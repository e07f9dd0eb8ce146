using System.Net;
using System.Text.Json;
using Cnm.Protocol;
using static Cnm.Plugins.Conformance.Checks.CheckContext;

namespace Cnm.Plugins.Conformance.Checks;

/// <summary>Networks, endpoints, join and leave, idempotent deletes.</summary>
internal static class NetworkChecks
{
    private const string IPv6Data = """[{"AddressSpace":"LocalDefault","Pool":"fd00:c0ff:ee::/64","Gateway":"fd00:c0ff:ee::1/64"}]""";

    public static string CreateNetworkBody(string id, bool ipv6)
    {
        var v6 = ipv6 ? IPv6Data : "[]";
        var flag = ipv6 ? "true" : "false";
        return $$$"""{"NetworkID":{{{Quote(id)}}},"Options":{"com.docker.network.enable_ipv6":{{{flag}}},"com.docker.network.generic":{}},"IPv4Data":[{"AddressSpace":"LocalDefault","Pool":"198.18.240.0/24","Gateway":"198.18.240.1/24"}],"IPv6Data":{{{v6}}}}""";
    }

    public static string NetworkBody(string id) => $$$"""{"NetworkID":{{{Quote(id)}}}}""";

    public static async Task<Verdict> CreateDeleteAsync(CheckContext context, CancellationToken ct)
    {
        if (!context.IsNetwork)
        {
            return Verdict.Skip("not a network driver");
        }

        foreach (var ipv6 in new[] { false, true })
        {
            var id = context.NewId();
            await context.SucceedAsync(PluginMethods.Network.CreateNetwork, CreateNetworkBody(id, ipv6), ct).ConfigureAwait(false);
            await context.SucceedAsync(PluginMethods.Network.DeleteNetwork, NetworkBody(id), ct).ConfigureAwait(false);
        }

        return Verdict.Pass;
    }

    public static async Task<Verdict> DeleteIdempotentAsync(CheckContext context, CancellationToken ct)
    {
        if (!context.IsNetwork)
        {
            return Verdict.Skip("not a network driver");
        }

        var id = context.NewId();
        await context.SucceedAsync(PluginMethods.Network.CreateNetwork, CreateNetworkBody(id, false), ct).ConfigureAwait(false);
        await context.SucceedAsync(PluginMethods.Network.DeleteNetwork, NetworkBody(id), ct).ConfigureAwait(false);
        var again = await context.Plugin.CallAsync(PluginMethods.Network.DeleteNetwork, NetworkBody(id), ct).ConfigureAwait(false);
        if (!again.Answered)
        {
            return Verdict.Fail($"the second DeleteNetwork: {again.Failure}", "answer every call promptly");
        }

        var body = again.Status == 200 ? ParseObject(PluginMethods.Network.DeleteNetwork, again) : default;
        if (again.Status == 200 && ErrorText(PluginMethods.Network.DeleteNetwork, body) is null)
        {
            return Verdict.Pass;
        }

        var seen = again.Status == 200 ? $"status 200 with Err \"{ErrorText(PluginMethods.Network.DeleteNetwork, body)}\"" : $"status {again.Status}";
        return Verdict.Fail($"deleting a network that is already gone answered {seen}",
            "a delete of something already gone should succeed: the host retries deletes after crashes and must not get stuck");
    }

    public static async Task<Verdict> PresetInterfaceAsync(CheckContext context, CancellationToken ct)
    {
        if (!context.IsNetwork)
        {
            return Verdict.Skip("not a network driver");
        }

        var network = await CreateNetworkAsync(context, ct).ConfigureAwait(false);
        var endpoint = context.NewId();
        var body = await context.SucceedAsync(PluginMethods.Network.CreateEndpoint,
            $$$"""{"NetworkID":{{{Quote(network)}}},"EndpointID":{{{Quote(endpoint)}}},"Interface":{"Address":"198.18.240.5/24","AddressIPv6":"","MacAddress":"02:42:c6:12:f0:05"},"Options":{}}""", ct)
            .ConfigureAwait(false);
        context.Cleanup.Insert(0, (PluginMethods.Network.DeleteEndpoint, $$$"""{"NetworkID":{{{Quote(network)}}},"EndpointID":{{{Quote(endpoint)}}}}"""));
        if (Find(body, "Interface") is { ValueKind: JsonValueKind.Object } reply
            && (Text(reply, "Address").Length > 0 || Text(reply, "MacAddress").Length > 0))
        {
            return Verdict.Fail($"the host gave Address and MacAddress, the plugin answered Interface {reply.GetRawText()}",
                "when the request's Interface has an address or MAC, answer no Interface (or empty fields): the host refuses to overwrite them and the endpoint creation fails");
        }

        return Verdict.Pass;
    }

    public static async Task<Verdict> JoinLeaveAsync(CheckContext context, CancellationToken ct)
    {
        if (!context.IsNetwork)
        {
            return Verdict.Skip("not a network driver");
        }

        var network = await CreateNetworkAsync(context, ct).ConfigureAwait(false);
        var endpoint = context.NewId();
        var ids = $$$"""{"NetworkID":{{{Quote(network)}}},"EndpointID":{{{Quote(endpoint)}}}""";
        await context.SucceedAsync(PluginMethods.Network.CreateEndpoint,
            ids + ""","Interface":{"Address":"198.18.240.6/24","AddressIPv6":"","MacAddress":""},"Options":{}}""", ct).ConfigureAwait(false);
        context.Cleanup.Insert(0, (PluginMethods.Network.DeleteEndpoint, ids + "}"));
        var join = await context.SucceedAsync(PluginMethods.Network.Join,
            ids + $$$""","SandboxKey":"/var/run/docker/netns/{{{endpoint[..12]}}}","Options":{}}""", ct).ConfigureAwait(false);
        await context.SucceedAsync(PluginMethods.Network.Leave, ids + "}", ct).ConfigureAwait(false);

        if (Find(join, "InterfaceName") is { ValueKind: JsonValueKind.Object } name && Text(name, "SrcName").Length == 0)
        {
            return Verdict.Fail($"InterfaceName without a SrcName: {name.GetRawText()}",
                "name the host-side interface to move into the sandbox in SrcName, or answer no InterfaceName");
        }

        foreach (var gateway in new[] { "Gateway", "GatewayIPv6" })
        {
            var value = Text(join, gateway);
            if (value.Length > 0 && !IPAddress.TryParse(value, out _))
            {
                return Verdict.Fail($"{gateway} is \"{value}\"", $"{gateway} is a plain address without a mask, such as 172.18.0.1");
            }
        }

        if (Find(join, "StaticRoutes") is { ValueKind: JsonValueKind.Array } routes)
        {
            foreach (var route in routes.EnumerateArray())
            {
                if (!IPNetwork.TryParse(Text(route, "Destination"), out _))
                {
                    return Verdict.Fail($"a static route's Destination is not a CIDR: {route.GetRawText()}",
                        "Destination is a CIDR such as 10.20.0.0/16");
                }
            }
        }

        return Find(join, "InterfaceName") is null
            ? Verdict.Warn("Join names no interface (InterfaceName is absent)", "containers get no interface from this network; answer InterfaceName {SrcName, DstPrefix}")
            : Verdict.Pass;
    }

    public static async Task<Verdict> ConcurrencyAsync(CheckContext context, CancellationToken ct)
    {
        if (!context.IsNetwork)
        {
            return Verdict.Skip("not a network driver");
        }

        var ids = Enumerable.Range(0, context.Options.Concurrency).Select(_ => context.NewId()).ToList();
        var creates = await Task.WhenAll(ids.Select(id => context.Plugin.CallAsync(PluginMethods.Network.CreateNetwork,
            CreateNetworkBody(id, false), ct))).ConfigureAwait(false);
        var deletes = await Task.WhenAll(ids.Select(id => context.Plugin.CallAsync(PluginMethods.Network.DeleteNetwork,
            NetworkBody(id), ct))).ConfigureAwait(false);
        var failed = creates.Concat(deletes).Count(a => !a.Answered || a.Status != 200);
        return failed == 0
            ? Verdict.Pass
            : Verdict.Fail($"{failed} of {creates.Length + deletes.Length} concurrent CreateNetwork/DeleteNetwork calls failed",
                "the host calls a plugin concurrently for different networks; serve calls in parallel or queue them");
    }

    private static async Task<string> CreateNetworkAsync(CheckContext context, CancellationToken ct)
    {
        var network = context.NewId();
        await context.SucceedAsync(PluginMethods.Network.CreateNetwork, CreateNetworkBody(network, false), ct).ConfigureAwait(false);
        context.Cleanup.Add((PluginMethods.Network.DeleteNetwork, NetworkBody(network)));
        return network;
    }
}
