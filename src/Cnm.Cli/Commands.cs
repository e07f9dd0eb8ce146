using System.CommandLine;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Cnm.Cli;

/// <summary>The cnm command tree.</summary>
internal static partial class Commands
{
    private static readonly Option<string> Host = new("--host", "-H")
    {
        Description = "cnmd's API: unix:///path or tcp://address:port with the TLS options (env CNM_HOST)",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("CNM_HOST") is { Length: > 0 } h ? h : "unix:///run/cnm/cnmd.sock",
    };

    private static readonly Option<string> Format = CreateFormat();

    private static readonly Option<string?> TlsCaCert = TlsOption("--tlscacert", "CA certificate (PEM) that signed cnmd's TCP certificate", "CNM_TLS_CACERT");

    private static readonly Option<string?> TlsCert = TlsOption("--tlscert", "client certificate (PEM) for TCP", "CNM_TLS_CERT");

    private static readonly Option<string?> TlsKey = TlsOption("--tlskey", "client private key (PEM) for TCP", "CNM_TLS_KEY");

    private static readonly Option<string?> TlsDir = TlsOption("--tls-dir", "directory with ca.pem, cert.pem and key.pem, for the TLS files not given", "CNM_TLS_DIR");

    private static Option<string?> TlsOption(string name, string description, string variable) => new(name)
    {
        Description = $"{description} (env {variable})",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(variable) is { Length: > 0 } v ? v : null,
    };

    /// <summary>The TLS files: each flag (or its variable) wins over the file of the same role in --tls-dir.</summary>
    private static TlsFiles Tls(ParseResult parse)
    {
        var dir = parse.GetValue(TlsDir);
        string? From(Option<string?> option, string file) =>
            parse.GetValue(option) ?? (dir is null ? null : Path.Combine(dir, file));
        return new TlsFiles(From(TlsCaCert, "ca.pem"), From(TlsCert, "cert.pem"), From(TlsKey, "key.pem"));
    }

    private static Option<string> CreateFormat()
    {
        var option = new Option<string>("--format")
        {
            Description = "output format: table (default) or json (the API's JSON)",
            Recursive = true,
            DefaultValueFactory = _ => "table",
        };
        option.AcceptOnlyFromAmong("table", "json");
        return option;
    }

    /// <summary>Builds the root command.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("cnm: the command line for cnmd (Cnm's network daemon)");
        root.Options.Add(Host);
        root.Options.Add(Format);
        root.Options.Add(TlsCaCert);
        root.Options.Add(TlsCert);
        root.Options.Add(TlsKey);
        root.Options.Add(TlsDir);
        root.Subcommands.Add(Network());
        root.Subcommands.Add(Sandbox());
        root.Subcommands.Add(Endpoint());
        root.Subcommands.Add(Plugin());
        root.Subcommands.Add(Ipam());
        root.Subcommands.Add(SystemCommand());
        root.Subcommands.Add(CompletionCommand.Create());
        return root;
    }

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

        var ls = new Command("ls", "List networks");
        ls.Aliases.Add("list");
        ls.SetAction((p, ct) => RunAsync(p, "network ls", async client =>
        {
            var answer = await client.SendAsync(HttpMethod.Get, "/networks", ct).ConfigureAwait(false);
            return Json(p) ? answer : Table(["NETWORK ID", "NAME", "DRIVER", "SCOPE", "STATUS"], Parse(answer).EnumerateArray()
                .Select(n => new[] { Short(Str(n, "Id")), Str(n, "Name"), Str(n, "Driver"), Str(n, "Scope"), NetworkStatus(n) })
                .OrderBy(r => r[1], StringComparer.Ordinal));
        }));

        var refs = new Argument<string[]>("NETWORK") { Arity = ArgumentArity.OneOrMore };
        var inspect = new Command("inspect", "Show networks as JSON") { refs };
        inspect.SetAction((p, ct) => RunAsync(p, "network inspect", async client =>
        {
            var items = new List<JsonElement>();
            foreach (var r in p.GetValue(refs)!)
            {
                items.Add(Parse(await client.SendAsync(HttpMethod.Get, "/networks/" + Uri.EscapeDataString(r), ct).ConfigureAwait(false)));
            }

            return JsonSerializer.Serialize(items, CliOutputJsonContext.Default.ListJsonElement) + Environment.NewLine;
        }));

        var rmRefs = new Argument<string[]>("NETWORK") { Arity = ArgumentArity.OneOrMore };
        var rmForce = new Option<bool>("--force", "-f")
        {
            Description = "remove even if the driver refuses or cannot be reached (what a plugin that is down is owed is sent once it is back)",
        };
        var rm = new Command("rm", "Remove networks") { rmRefs, rmForce };
        rm.Aliases.Add("remove");
        rm.SetAction((p, ct) => RunAsync(p, "network rm", async client =>
        {
            var output = new StringBuilder();
            foreach (var r in p.GetValue(rmRefs)!)
            {
                var path = "/networks/" + Uri.EscapeDataString(r) + (p.GetValue(rmForce) ? "?force=true" : "");
                await client.SendAsync(HttpMethod.Delete, path, ct).ConfigureAwait(false);
                output.AppendLine(r);
            }

            return output.ToString();
        }));

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

    private static Command Sandbox()
    {
        var sandbox = new Command("sandbox", "Manage sandboxes");

        var containerId = new Argument<string>("CONTAINER_ID");
        var name = new Option<string>("--name") { Description = "sandbox name (defaults to the container id)" };
        var expose = new Option<string[]>("--expose") { Description = "expose a port: PORT[/PROTO] (repeatable)", AllowMultipleArgumentsPerToken = false };
        var publish = new Option<string[]>("--publish", "-p") { Description = "publish a port: [IP:][HOST_PORT[-END]:]PORT[/PROTO] (repeatable)" };
        var create = new Command("create", "Create a sandbox") { containerId, name, expose, publish };
        create.SetAction((p, ct) => RunAsync(p, "sandbox create", async client =>
        {
            var body = SandboxPorts.Body(p.GetValue(containerId)!, p.GetValue(name), p.GetValue(expose) ?? [], p.GetValue(publish) ?? []);
            var answer = await client.SendAsync(HttpMethod.Post, "/cnm/v1/sandboxes", body, CliJsonContext.Default.SandboxCreateBody, ct).ConfigureAwait(false);
            return Json(p) ? answer : Str(Parse(answer), "Id") + Environment.NewLine;
        }));

        var ls = new Command("ls", "List sandboxes");
        ls.Aliases.Add("list");
        ls.SetAction((p, ct) => RunAsync(p, "sandbox ls", async client =>
        {
            var answer = await client.SendAsync(HttpMethod.Get, "/cnm/v1/sandboxes", ct).ConfigureAwait(false);
            return Json(p) ? answer : Table(["SANDBOX ID", "NAME", "CONTAINER ID", "ENDPOINTS"], Parse(answer).EnumerateArray()
                .Select(s => new[]
                {
                    Short(Str(s, "Id")), Str(s, "Name"), Str(s, "ContainerId"),
                    s.TryGetProperty("Endpoints", out var e) && e.ValueKind == JsonValueKind.Array ? e.GetArrayLength().ToString(System.Globalization.CultureInfo.InvariantCulture) : "0",
                })
                .OrderBy(r => r[1], StringComparer.Ordinal));
        }));

        var refs = new Argument<string[]>("SANDBOX") { Arity = ArgumentArity.OneOrMore };
        var inspect = new Command("inspect", "Show sandboxes as JSON") { refs };
        inspect.SetAction((p, ct) => RunAsync(p, "sandbox inspect", async client =>
        {
            var items = new List<JsonElement>();
            foreach (var r in p.GetValue(refs)!)
            {
                items.Add(Parse(await client.SendAsync(HttpMethod.Get, "/cnm/v1/sandboxes/" + Uri.EscapeDataString(r), ct).ConfigureAwait(false)));
            }

            return JsonSerializer.Serialize(items, CliOutputJsonContext.Default.ListJsonElement) + Environment.NewLine;
        }));

        var rmRefs = new Argument<string[]>("SANDBOX") { Arity = ArgumentArity.OneOrMore };
        var rm = new Command("rm", "Remove sandboxes") { rmRefs };
        rm.Aliases.Add("remove");
        rm.SetAction((p, ct) => RunAsync(p, "sandbox rm", async client =>
        {
            var output = new StringBuilder();
            foreach (var r in p.GetValue(rmRefs)!)
            {
                await client.SendAsync(HttpMethod.Delete, "/cnm/v1/sandboxes/" + Uri.EscapeDataString(r), ct).ConfigureAwait(false);
                output.AppendLine(r);
            }

            return output.ToString();
        }));

        sandbox.Subcommands.Add(create);
        sandbox.Subcommands.Add(ls);
        sandbox.Subcommands.Add(inspect);
        sandbox.Subcommands.Add(rm);
        return sandbox;
    }

    private static async Task<int> RunAsync(ParseResult parse, string operation, Func<CnmApiClient, Task<string>> action)
    {
        try
        {
            using var client = CnmApiClient.Create(parse.GetValue(Host)!, Tls(parse));
            client.Operation = operation;
            var output = await action(client).ConfigureAwait(false);
            if (output.Length > 0)
            {
                await Console.Out.WriteAsync(output.EndsWith('\n') ? output : output + Environment.NewLine).ConfigureAwait(false);
            }

            return 0;
        }
        catch (CliException ex)
        {
            await Console.Error.WriteLineAsync("cnm: " + ex.Message).ConfigureAwait(false);
            return ex.ExitCode;
        }
    }

    private static bool Json(ParseResult parse) => parse.GetValue(Format) == "json";

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static string Str(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

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

    private static string Short(string id) => id.Length > 12 ? id[..12] : id;

    private static string Table(string[] headers, IEnumerable<string[]> rows)
    {
        var all = new List<string[]> { headers };
        all.AddRange(rows);
        var widths = headers.Select((_, i) => all.Max(r => r[i].Length)).ToArray();
        var output = new StringBuilder();
        foreach (var row in all)
        {
            output.AppendLine(string.Join("   ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
        }

        return output.ToString();
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
