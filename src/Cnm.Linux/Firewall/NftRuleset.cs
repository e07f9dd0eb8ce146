using System.Text.Json;

namespace Cnm.Linux.Firewall;

/// <summary>What a JSON listing of our table holds that the firewall needs: chain names and rules with handle and comment.</summary>
internal sealed class NftRuleset
{
    private NftRuleset(bool exists, IReadOnlyList<string> chains, IReadOnlyList<NftRule> rules)
    {
        Exists = exists;
        Chains = chains;
        Rules = rules;
    }

    /// <summary>An absent table.</summary>
    public static NftRuleset Empty { get; } = new(false, [], []);

    public bool Exists { get; }

    public IReadOnlyList<string> Chains { get; }

    public IReadOnlyList<NftRule> Rules { get; }

    /// <summary>Whether the <c>list tables</c> output names the inet table <paramref name="table"/>.</summary>
    public static bool HasTable(string json, string table)
    {
        using var document = JsonDocument.Parse(json);
        foreach (var item in Items(document))
        {
            if (item.TryGetProperty("table", out var t) && Is(t, "family", "inet") && Is(t, "name", table))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Reads the output of <c>list table inet T</c> (JSON, with handles).</summary>
    public static NftRuleset Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var chains = new List<string>();
        var rules = new List<NftRule>();
        foreach (var item in Items(document))
        {
            if (item.TryGetProperty("chain", out var chain))
            {
                chains.Add(chain.GetProperty("name").GetString()!);
            }
            else if (item.TryGetProperty("rule", out var rule))
            {
                var comment = rule.TryGetProperty("comment", out var c) ? c.GetString() : null;
                rules.Add(new NftRule(rule.GetProperty("chain").GetString()!, rule.GetProperty("handle").GetInt64(), comment));
            }
        }

        return new NftRuleset(true, chains, rules);
    }

    private static JsonElement.ArrayEnumerator Items(JsonDocument document) =>
        document.RootElement.GetProperty("nftables").EnumerateArray();

    private static bool Is(JsonElement element, string property, string value) =>
        element.TryGetProperty(property, out var p) && p.ValueKind == JsonValueKind.String && p.GetString() == value;
}
