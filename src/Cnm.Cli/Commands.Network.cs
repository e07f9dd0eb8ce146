using System.CommandLine;
using System.Net;
using System.Text.Json;

namespace Cnm.Cli;

/// <summary><c>cnm network create|ls|inspect|rm|connect|disconnect</c>, over the Docker API's network routes.</summary>
internal static partial class Commands
{
    private static Command Network()
    {
        var network = new Command("network", "Manage networks");

        var name = new Argument<string>("NAME");
        var driver = new Option<string>("--driver", "-d") { Description = "network driver", DefaultValueFactory = _ => "null" };
        var ipamDriver = new Option<string>("--ipam-driver") { Description = "IPAM driver", DefaultValueFactory = _ => "default" };
        var subnet = new Option<string[]>("--subnet") { Description = "subnet in CIDR form (repeatable)" };
        var ipRange = new Option<string[]>("--ip-range") { Description = "allocate addresses from a sub-range" };
        var gateway = new Option<string[]>("--gateway") { Description = "gateway for a subnet" };
        var aux = new Option<string[]>("--aux-address") { Description = "auxiliary address name=ip" };
        var opt = new Option<string[]>("--opt", "-o") { Description = "driver option key=value" };
        var ipamOpt = new Option<string[]>("--ipam-opt") { Description = "IPAM driver option key=value" };
        var label = new Option<string[]>("--label") { Description = "label key=value" };
        var ipv6 = new Option<bool>("--ipv6") { Description = "enable IPv6" };
        var internalOpt = new Option<bool>("--internal") { Description = "restrict external access" };
        var attachable = new Option<bool>("--attachable") { Description = "allow manual attachment" };
        var create = new Command("create", "Create a network") { name, driver, ipamDriver, subnet, ipRange, gateway, aux, opt, ipamOpt, label, ipv6, internalOpt, attachable };
        create.SetAction((p, ct) => RunAsync(p, "network create", async client =>
        {
            var body = new NetworkCreateBody(
                p.GetValue(name)!,
                p.GetValue(driver)!,
                p.GetValue(ipv6),
                p.GetValue(internalOpt),
                p.GetValue(attachable),
                new IpamBody(p.GetValue(ipamDriver)!, Pairs(p.GetValue(ipamOpt), "--ipam-opt"), Pools(p.GetValue(subnet), p.GetValue(ipRange), p.GetValue(gateway), p.GetValue(aux))),
                Pairs(p.GetValue(opt), "--opt"),
                Pairs(p.GetValue(label), "--label"));
            var answer = await client.SendAsync(HttpMethod.Post, "/networks/create", body, CliJsonContext.Default.NetworkCreateBody, ct).ConfigureAwait(false);
            return Json(p) ? answer : Parse(answer).GetProperty("Id").GetString() + Environment.NewLine;
        }));

        var ls = ListCommand("List networks", "network ls", "/networks", answer =>
            Table(["NETWORK ID", "NAME", "DRIVER", "SCOPE", "STATUS"], Parse(answer).EnumerateArray()
                .Select(n => new[] { Short(Str(n, "Id")), Str(n, "Name"), Str(n, "Driver"), Str(n, "Scope"), NetworkStatus(n) })
                .OrderBy(r => r[1], StringComparer.Ordinal)));

        var refs = new Argument<string[]>("NETWORK") { Arity = ArgumentArity.OneOrMore };
        var inspect = new Command("inspect", "Show networks as JSON") { refs };
        inspect.SetAction((p, ct) => RunAsync(p, "network inspect", client =>
            InspectEachAsync(client, p.GetValue(refs)!, r => "/networks/" + Uri.EscapeDataString(r), ct)));

        var rmRefs = new Argument<string[]>("NETWORK") { Arity = ArgumentArity.OneOrMore };
        var rmForce = new Option<bool>("--force", "-f")
        {
            Description = "remove even if the driver refuses or cannot be reached (what a plugin that is down is owed is sent once it is back)",
        };
        var rm = new Command("rm", "Remove networks") { rmRefs, rmForce };
        rm.Aliases.Add("remove");
        rm.SetAction((p, ct) => RunAsync(p, "network rm", client => RemoveEachAsync(client, p.GetValue(rmRefs)!,
            r => "/networks/" + Uri.EscapeDataString(r) + (p.GetValue(rmForce) ? "?force=true" : ""), ct)));

        var connectNetwork = new Argument<string>("NETWORK");
        var connectSandbox = new Argument<string>("SANDBOX");
        var ip = new Option<string>("--ip") { Description = "static IPv4 address" };
        var ip6 = new Option<string>("--ip6") { Description = "static IPv6 address" };
        var alias = new Option<string[]>("--alias") { Description = "network-scoped alias (repeatable)" };
        var connect = new Command("connect", "Connect a sandbox to a network") { connectNetwork, connectSandbox, ip, ip6, alias };
        connect.SetAction((p, ct) => RunAsync(p, "network connect", async client =>
        {
            var body = new ConnectBody(p.GetValue(connectSandbox)!,
                new EndpointConfigBody(new EndpointIpamBody(p.GetValue(ip) ?? "", p.GetValue(ip6) ?? ""), [.. p.GetValue(alias) ?? []]));
            await client.SendAsync(HttpMethod.Post, $"/networks/{Uri.EscapeDataString(p.GetValue(connectNetwork)!)}/connect", body, CliJsonContext.Default.ConnectBody, ct).ConfigureAwait(false);
            return "";
        }));

        var disconnectNetwork = new Argument<string>("NETWORK");
        var disconnectSandbox = new Argument<string>("SANDBOX");
        var force = new Option<bool>("--force", "-f") { Description = "remove the endpoint even if the driver refuses the leave" };
        var disconnect = new Command("disconnect", "Disconnect a sandbox from a network") { disconnectNetwork, disconnectSandbox, force };
        disconnect.SetAction((p, ct) => RunAsync(p, "network disconnect", async client =>
        {
            var body = new DisconnectBody(p.GetValue(disconnectSandbox)!, p.GetValue(force));
            await client.SendAsync(HttpMethod.Post, $"/networks/{Uri.EscapeDataString(p.GetValue(disconnectNetwork)!)}/disconnect", body, CliJsonContext.Default.DisconnectBody, ct).ConfigureAwait(false);
            return "";
        }));

        network.Subcommands.Add(create);
        network.Subcommands.Add(ls);
        network.Subcommands.Add(inspect);
        network.Subcommands.Add(rm);
        network.Subcommands.Add(connect);
        network.Subcommands.Add(disconnect);
        return network;
    }

    /// <summary>A network's <c>CnmStatus</c> in one cell: <c>ready</c>, or <c>waiting for p1, p2</c> (spec/daemon-api.md).</summary>
    private static string NetworkStatus(JsonElement network)
    {
        if (!network.TryGetProperty("CnmStatus", out var status) || status.ValueKind != JsonValueKind.Object)
        {
            return "";
        }

        var state = Str(status, "State");
        return status.TryGetProperty("Plugins", out var plugins) && plugins.ValueKind == JsonValueKind.Array && plugins.GetArrayLength() > 0
            ? $"{state} for {string.Join(", ", plugins.EnumerateArray().Select(p => p.GetString()))}"
            : state;
    }

    private static Dictionary<string, string> Pairs(string[]? values, string flag)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in values ?? [])
        {
            var eq = value.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new CliException($"invalid {flag} {value}: expected key=value", 2);
            }

            pairs[value[..eq]] = value[(eq + 1)..];
        }

        return pairs;
    }

    /// <summary>Pairs --ip-range, --gateway and --aux-address with the --subnet that contains them, as the docker CLI does.</summary>
    private static List<IpamConfigBody> Pools(string[]? subnets, string[]? ranges, string[]? gateways, string[]? aux)
    {
        subnets ??= [];
        var pools = subnets.Select(s => new IpamConfigBody(s)).ToList();
        if (pools.Count == 0 && ((ranges?.Length ?? 0) > 0 || (gateways?.Length ?? 0) > 0 || (aux?.Length ?? 0) > 0))
        {
            throw new CliException("--ip-range, --gateway and --aux-address need a --subnet", 2);
        }

        IpamConfigBody Owner(string address, string flag)
        {
            if (pools.Count == 1)
            {
                return pools[0];
            }

            var host = address.Split('/')[0];
            foreach (var pool in pools)
            {
                if (IPNetwork.TryParse(pool.Subnet, out var net) && IPAddress.TryParse(host, out var ip) && net.Contains(ip))
                {
                    return pool;
                }
            }

            throw new CliException($"no --subnet contains {flag} {address}", 2);
        }

        foreach (var range in ranges ?? [])
        {
            var pool = Owner(range, "--ip-range");
            pool.IPRange = pool.IPRange is null ? range : throw new CliException($"more than one --ip-range for subnet {pool.Subnet}", 2);
        }

        foreach (var gateway in gateways ?? [])
        {
            var pool = Owner(gateway, "--gateway");
            pool.Gateway = pool.Gateway is null ? gateway : throw new CliException($"more than one --gateway for subnet {pool.Subnet}", 2);
        }

        foreach (var (key, value) in Pairs(aux, "--aux-address"))
        {
            var pool = Owner(value, "--aux-address");
            (pool.AuxiliaryAddresses ??= new Dictionary<string, string>(StringComparer.Ordinal))[key] = value;
        }

        return pools;
    }
}
