using System.CommandLine;
using System.Text.Json;

namespace Cnm.Cli;

/// <summary><c>cnm sandbox create|ls|inspect|rm</c>, over the native sandbox routes.</summary>
internal static partial class Commands
{
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

        var ls = ListCommand("List sandboxes", "sandbox ls", "/cnm/v1/sandboxes", answer =>
            Table(["SANDBOX ID", "NAME", "CONTAINER ID", "ENDPOINTS"], Parse(answer).EnumerateArray()
                .Select(s => new[]
                {
                    Short(Str(s, "Id")), Str(s, "Name"), Str(s, "ContainerId"),
                    s.TryGetProperty("Endpoints", out var e) && e.ValueKind == JsonValueKind.Array ? e.GetArrayLength().ToString(System.Globalization.CultureInfo.InvariantCulture) : "0",
                })
                .OrderBy(r => r[1], StringComparer.Ordinal)));

        var refs = new Argument<string[]>("SANDBOX") { Arity = ArgumentArity.OneOrMore };
        var inspect = new Command("inspect", "Show sandboxes as JSON") { refs };
        inspect.SetAction((p, ct) => RunAsync(p, "sandbox inspect", client =>
            InspectEachAsync(client, p.GetValue(refs)!, r => "/cnm/v1/sandboxes/" + Uri.EscapeDataString(r), ct)));

        var rmRefs = new Argument<string[]>("SANDBOX") { Arity = ArgumentArity.OneOrMore };
        var rm = new Command("rm", "Remove sandboxes") { rmRefs };
        rm.Aliases.Add("remove");
        rm.SetAction((p, ct) => RunAsync(p, "sandbox rm", client =>
            RemoveEachAsync(client, p.GetValue(rmRefs)!, r => "/cnm/v1/sandboxes/" + Uri.EscapeDataString(r), ct)));

        sandbox.Subcommands.Add(create);
        sandbox.Subcommands.Add(ls);
        sandbox.Subcommands.Add(inspect);
        sandbox.Subcommands.Add(rm);
        return sandbox;
    }
}
