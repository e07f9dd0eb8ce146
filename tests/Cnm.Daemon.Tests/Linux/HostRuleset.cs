using System.Diagnostics;
using System.Text.Json;

namespace Cnm.Daemon.Tests.Linux;

/// <summary>
/// The nftables ruleset of a test's host namespace as the nft CLI lists it (an independent reader of what cnmd's
/// firewall did): the tables, and our table <c>inet cnm</c> as its chains, its rules without handles, and the network
/// and endpoint tags of its rules (spec/bridge.md, "Restore and crash safety").
/// </summary>
internal sealed class HostRuleset
{
    private HostRuleset(List<string> tables, List<string> chains, List<string> rules, List<string> comments)
    {
        Tables = tables;
        Chains = chains;
        Rules = rules;
        Comments = comments;
    }

    /// <summary>Every table of the namespace, as "family name".</summary>
    public List<string> Tables { get; }

    /// <summary>The chains of <c>inet cnm</c>, sorted.</summary>
    public List<string> Chains { get; }

    /// <summary>The rules of <c>inet cnm</c> as "chain: expr comment", without handles, sorted: what two states are compared by.</summary>
    public List<string> Rules { get; }

    /// <summary>The comments (tags) of the rules of <c>inet cnm</c>.</summary>
    public List<string> Comments { get; }

    /// <summary>The network ids of the <c>net:</c> tags (the networks that have rules), sorted and distinct.</summary>
    public List<string> Networks => Tag("net");

    /// <summary>The endpoint ids of the <c>ep:</c> tags (the endpoints that have DNAT rules), sorted and distinct.</summary>
    public List<string> Endpoints => Tag("ep");

    /// <summary>The <c>map:</c> tags of one endpoint's DNAT rules, as "proto/hostport/hostip".</summary>
    public List<string> MapsOf(string endpointId) =>
        [.. Comments.Where(c => c.Split(' ').Contains("ep:" + endpointId)).SelectMany(c => c.Split(' ')).Where(t => t.StartsWith("map:", StringComparison.Ordinal)).Select(t => t[4..]).Order(StringComparer.Ordinal)];

    public static async Task<HostRuleset> ReadAsync(string netnsPath)
    {
        using var doc = JsonDocument.Parse(await NftAsync(netnsPath, "-j", "list", "ruleset"));
        var tables = new List<string>();
        var chains = new List<string>();
        var rules = new List<string>();
        var comments = new List<string>();
        foreach (var item in doc.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (item.TryGetProperty("table", out var table))
            {
                tables.Add(table.GetProperty("family").GetString() + " " + table.GetProperty("name").GetString());
            }
            else if (item.TryGetProperty("chain", out var chain) && Ours(chain))
            {
                chains.Add(chain.GetProperty("name").GetString()!);
            }
            else if (item.TryGetProperty("rule", out var rule) && Ours(rule))
            {
                var comment = rule.TryGetProperty("comment", out var c) ? c.GetString()! : "";
                rules.Add($"{rule.GetProperty("chain").GetString()}: {rule.GetProperty("expr").GetRawText()} {comment}");
                if (comment.Length > 0)
                {
                    comments.Add(comment);
                }
            }
        }

        return new HostRuleset(tables, [.. chains.Order(StringComparer.Ordinal)], [.. rules.Order(StringComparer.Ordinal)], comments);
    }

    /// <summary>Runs nft in the namespace; fails the test with nft's stderr when it fails.</summary>
    public static async Task<string> NftAsync(string netnsPath, params string[] args)
    {
        var start = new ProcessStartInfo("nsenter") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("--net=" + netnsPath);
        start.ArgumentList.Add("nft");
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"nft {string.Join(' ', args)}: exit {process.ExitCode}: {await stderr}");
        return await stdout;
    }

    private static bool Ours(JsonElement element) =>
        element.GetProperty("family").GetString() == "inet" && element.GetProperty("table").GetString() == "cnm";

    private List<string> Tag(string key) =>
        [.. Comments.SelectMany(c => c.Split(' ')).Where(t => t.StartsWith(key + ":", StringComparison.Ordinal)).Select(t => t[(key.Length + 1)..])
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
}
