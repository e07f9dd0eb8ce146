using System.CommandLine;
using System.Text.Json;

namespace Cnm.Cli;

/// <summary><c>cnm endpoint …</c>: the native endpoint routes, one lifecycle step per command.</summary>
internal static partial class Commands
{
    private const string EndpointsPath = "/cnm/v1/endpoints";

    private static Command Endpoint()
    {
        var endpoint = new Command("endpoint", "Manage endpoints (create, join, leave and remove them one step at a time)");
        endpoint.Subcommands.Add(EndpointCreate());
        endpoint.Subcommands.Add(EndpointList());
        endpoint.Subcommands.Add(EndpointInspect());
        endpoint.Subcommands.Add(EndpointRemove());
        endpoint.Subcommands.Add(EndpointJoin());
        endpoint.Subcommands.Add(EndpointLeave());
        return endpoint;
    }

    private static Command EndpointCreate()
    {
        var network = new Argument<string>("NETWORK");
        var name = new Argument<string>("NAME");
        var ip = new Option<string>("--ip") { Description = "static IPv4 address (from the network's subnets)" };
        var ip6 = new Option<string>("--ip6") { Description = "static IPv6 address" };
        var mac = new Option<string>("--mac-address") { Description = "MAC address, e.g. 02:42:ac:11:00:02" };
        var opt = new Option<string[]>("--opt", "-o") { Description = "driver option key=value (repeatable)" };
        var alias = new Option<string[]>("--alias") { Description = "network-scoped alias (repeatable)" };
        var create = new Command("create", "Create an endpoint in a network") { network, name, ip, ip6, mac, opt, alias };
        create.SetAction((p, ct) => RunAsync(p, "endpoint create", async client =>
        {
            var body = new EndpointCreateBody(p.GetValue(network)!, p.GetValue(name)!, p.GetValue(ip), p.GetValue(ip6), p.GetValue(mac),
                Pairs(p.GetValue(opt), "--opt"), [.. p.GetValue(alias) ?? []]);
            var answer = await client.SendAsync(HttpMethod.Post, EndpointsPath, body, CliJsonContext.Default.EndpointCreateBody, ct).ConfigureAwait(false);
            return Json(p) ? answer : Str(Parse(answer), "Id") + Environment.NewLine;
        }));
        return create;
    }

    private static Command EndpointList()
    {
        var network = new Option<string>("--network") { Description = "only endpoints of this network" };
        var sandbox = new Option<string>("--sandbox") { Description = "only endpoints joined to this sandbox" };
        var ls = new Command("ls", "List endpoints") { network, sandbox };
        ls.Aliases.Add("list");
        ls.SetAction((p, ct) => RunAsync(p, "endpoint ls", async client =>
        {
            var query = new List<string>();
            if (p.GetValue(network) is { } n)
            {
                query.Add("network=" + Uri.EscapeDataString(n));
            }

            if (p.GetValue(sandbox) is { } s)
            {
                query.Add("sandbox=" + Uri.EscapeDataString(s));
            }

            var path = query.Count == 0 ? EndpointsPath : EndpointsPath + "?" + string.Join('&', query);
            var answer = await client.SendAsync(HttpMethod.Get, path, ct).ConfigureAwait(false);
            return Json(p) ? answer : Table(["ENDPOINT ID", "NAME", "NETWORK", "STATE", "ADDRESS", "SANDBOX"], Parse(answer).EnumerateArray()
                .Select(e => new[]
                {
                    Short(Str(e, "Id")), Str(e, "Name"), Child(e, "Network", "Name"), Str(e, "State"),
                    Or(Child(e, "Interface", "Address"), Child(e, "Interface", "AddressIPv6")),
                    Or(Child(e, "Sandbox", "Name"), ""),
                })
                .OrderBy(r => r[2], StringComparer.Ordinal).ThenBy(r => r[1], StringComparer.Ordinal));
        }));
        return ls;
    }

    private static Command EndpointInspect()
    {
        var refs = new Argument<string[]>("ENDPOINT") { Arity = ArgumentArity.OneOrMore, Description = "id, name or NETWORK/NAME" };
        var inspect = new Command("inspect", "Show endpoints as JSON, with their driver's operational data") { refs };
        inspect.SetAction((p, ct) => RunAsync(p, "endpoint inspect", client => InspectEachAsync(client, p.GetValue(refs)!, EndpointPath, ct)));
        return inspect;
    }

    private static Command EndpointRemove()
    {
        var refs = new Argument<string[]>("ENDPOINT") { Arity = ArgumentArity.OneOrMore, Description = "id, name or NETWORK/NAME" };
        var force = new Option<bool>("--force", "-f") { Description = "leave first if joined, and remove even if the driver refuses or cannot be reached" };
        var rm = new Command("rm", "Remove endpoints (their addresses are released)") { refs, force };
        rm.Aliases.Add("remove");
        rm.SetAction((p, ct) => RunAsync(p, "endpoint rm", client =>
            RemoveEachAsync(client, p.GetValue(refs)!, r => EndpointPath(r) + (p.GetValue(force) ? "?force=true" : ""), ct)));
        return rm;
    }

    private static Command EndpointJoin()
    {
        var target = new Argument<string>("ENDPOINT") { Description = "id, name or NETWORK/NAME" };
        var sandbox = new Argument<string>("SANDBOX") { Description = "sandbox id, name or container id" };
        var join = new Command("join", "Join an endpoint to a sandbox") { target, sandbox };
        join.SetAction((p, ct) => RunAsync(p, "endpoint join", async client =>
        {
            var answer = await client.SendAsync(HttpMethod.Post, EndpointPath(p.GetValue(target)!) + "/join",
                new EndpointJoinBody(p.GetValue(sandbox)!), CliJsonContext.Default.EndpointJoinBody, ct).ConfigureAwait(false);
            return Json(p) ? answer : "";
        }));
        return join;
    }

    private static Command EndpointLeave()
    {
        var target = new Argument<string>("ENDPOINT") { Description = "id, name or NETWORK/NAME" };
        var leave = new Command("leave", "Take an endpoint out of its sandbox (it keeps its addresses)") { target };
        leave.SetAction((p, ct) => RunAsync(p, "endpoint leave", async client =>
        {
            var answer = await client.SendAsync(HttpMethod.Post, EndpointPath(p.GetValue(target)!) + "/leave", ct).ConfigureAwait(false);
            return Json(p) ? answer : "";
        }));
        return leave;
    }

    /// <summary>The item route; <c>NETWORK/NAME</c> keeps its slash escaped, as the daemon expects.</summary>
    private static string EndpointPath(string reference) => EndpointsPath + "/" + Uri.EscapeDataString(reference);

    private static string Child(JsonElement element, string name, string child) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? Str(value, child) : "";

    private static string Or(string value, string fallback) => value.Length > 0 ? value : fallback.Length > 0 ? fallback : "-";
}
