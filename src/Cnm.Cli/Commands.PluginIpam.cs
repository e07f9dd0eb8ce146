using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Cnm.Cli;

/// <summary><c>cnm plugin ls|inspect</c> and <c>cnm ipam ls</c>, over the native plugin and IPAM routes.</summary>
internal static partial class Commands
{
    private static Command Plugin()
    {
        var plugin = new Command("plugin", "Inspect plugins");
        var ls = ListCommand("List plugins with their state, scope and call totals", "plugin ls", "/cnm/v1/plugins", answer =>
            Table(["NAME", "STATE", "SCOPE", "IMPLEMENTS", "CALLS", "ERRORS", "ADDRESS"],
                Read(answer, CliViewJsonContext.Default.ListPluginView)
                    .OrderBy(x => x.Name, StringComparer.Ordinal)
                    .Select(x => new[] { x.Name, x.State, x.Scope ?? "-", string.Join(",", x.Implements), Count(x.Calls), Count(x.Errors), x.Address ?? "" })));

        var name = new Argument<string>("NAME") { Description = "the plugin's name" };
        var inspect = new Command("inspect", "Show a plugin and the calls of each of its methods") { name };
        inspect.SetAction((p, ct) => RunAsync(p, "plugin inspect", async client =>
        {
            var answer = await client.SendAsync(HttpMethod.Get, "/cnm/v1/plugins/" + Uri.EscapeDataString(p.GetValue(name)!), ct).ConfigureAwait(false);
            return Json(p) ? answer : Describe(Read(answer, CliViewJsonContext.Default.PluginView));
        }));

        plugin.Subcommands.Add(ls);
        plugin.Subcommands.Add(inspect);
        plugin.Subcommands.Add(PluginCheckCommand.Create());
        return plugin;
    }

    private static Command Ipam()
    {
        var ipam = new Command("ipam", "Inspect IPAM pools");
        var ls = ListCommand("List the pools of every network and how full they are", "ipam ls", "/cnm/v1/ipam/pools", answer =>
            Table(["DRIVER", "NETWORK", "POOL", "RANGE", "GATEWAY", "USED/TOTAL"],
                Read(answer, CliViewJsonContext.Default.ListIpamPoolView)
                    .Select(x => new[]
                    {
                        x.Driver, x.Network, x.Pool, x.IpRange ?? "-", x.Gateway ?? "-",
                        x.Usage is { } u ? $"{u.Used.ToString(CultureInfo.InvariantCulture)}/{u.Total.ToString(CultureInfo.InvariantCulture)}" : "-",
                    })));

        ipam.Subcommands.Add(ls);
        return ipam;
    }

    private static string Describe(PluginView plugin)
    {
        var text = new StringBuilder();
        void Line(string label, string value) => text.Append(CultureInfo.InvariantCulture, $"{label + ":",-13}{value}").AppendLine();
        Line("Name", plugin.Name);
        Line("State", $"{plugin.State} since {plugin.Since}");
        Line("Scope", plugin.Scope ?? "-");
        Line("Implements", string.Join(", ", plugin.Implements));
        Line("Address", plugin.Address ?? "-");
        Line("Activations", Count(plugin.Activations));
        Line("Calls", $"{Count(plugin.Calls)} ({Count(plugin.Errors)} failed)");
        if (plugin.LastError is { Length: > 0 } error)
        {
            Line("Last error", error);
        }

        text.AppendLine();
        text.Append(Table(["METHOD", "CALLS", "ERRORS", "MEAN", "P99", "MAX", "LAST ERROR"], (plugin.Methods ?? []).Select(m => new[]
        {
            m.Method, Count(m.Calls),
            m.Errors == 0 ? "0" : $"{Count(m.Errors)} ({string.Join(", ", m.ErrorsByCategory.Select(c => $"{c.Key}: {Count(c.Value)}"))})",
            Milliseconds(m.MeanMs), Milliseconds(m.P99Ms), Milliseconds(m.MaxMs),
            m.LastError is null ? "-" : $"{m.LastError} at {m.LastErrorAt}",
        })));
        return text.ToString();
    }

    private static T Read<T>(string json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(json, type) ?? throw new CliException("cnmd answered null");
        }
        catch (JsonException ex)
        {
            throw new CliException($"cnmd's answer is not what cnm expects: {ex.Message}");
        }
    }

    private static string Count(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A duration with three significant digits or so: 0.412 ms, 3.71 ms, 18.2 ms, 1.53 s.</summary>
    private static string Milliseconds(double ms) => ms switch
    {
        >= 1000 => (ms / 1000).ToString("0.00", CultureInfo.InvariantCulture) + " s",
        >= 100 => ms.ToString("0", CultureInfo.InvariantCulture) + " ms",
        >= 10 => ms.ToString("0.0", CultureInfo.InvariantCulture) + " ms",
        >= 1 => ms.ToString("0.00", CultureInfo.InvariantCulture) + " ms",
        _ => ms.ToString("0.000", CultureInfo.InvariantCulture) + " ms",
    };
}
