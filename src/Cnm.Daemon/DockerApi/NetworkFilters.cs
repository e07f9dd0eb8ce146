using System.Text.Json;
using Cnm.Core.Errors;

namespace Cnm.Daemon.DockerApi;

/// <summary>
/// Docker's <c>filters</c> query parameter for <c>GET /networks</c> and <c>POST /networks/prune</c>: a JSON map
/// from filter name to a set of values, either <c>{"name":{"x":true}}</c> or the older <c>{"name":["x"]}</c>.
/// Values of one filter are ORed, different filters ANDed, as in Docker.
/// </summary>
internal sealed class NetworkFilters
{
    private readonly Dictionary<string, List<string>> _values;

    private NetworkFilters(Dictionary<string, List<string>> values) => _values = values;

    public static NetworkFilters Parse(string? json, IReadOnlySet<string> allowed)
    {
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (!string.IsNullOrWhiteSpace(json))
        {
            try
            {
                // null (the whole map or one key's set) is what Go reads as empty: no filter.
                var map = JsonSerializer.Deserialize(json, DockerJson.Context.DictionaryStringDictionaryStringBoolean) ?? [];
                foreach (var (key, set) in map)
                {
                    values[key] = [.. (set ?? []).Where(p => p.Value).Select(p => p.Key)];
                }
            }
            catch (JsonException)
            {
                try
                {
                    var legacy = JsonSerializer.Deserialize(json, DockerJson.Context.DictionaryStringListString) ?? [];
                    foreach (var (key, list) in legacy)
                    {
                        values[key] = [.. (list ?? []).Where(v => v is not null)];
                    }
                }
                catch (JsonException ex)
                {
                    throw CnmException.InvalidParameter($"invalid filters: {ex.Message}");
                }
            }
        }

        foreach (var key in values.Keys)
        {
            if (!allowed.Contains(key))
            {
                throw CnmException.InvalidParameter($"invalid filter '{key}'");
            }
        }

        return new NetworkFilters(values);
    }

    /// <summary>The values of one filter; empty when it is not set.</summary>
    public IReadOnlyList<string> Get(string key) => _values.GetValueOrDefault(key) ?? [];

    /// <summary>True when the filter is unset or any of its values matches.</summary>
    public bool Matches(string key, Func<string, bool> predicate)
    {
        var values = Get(key);
        return values.Count == 0 || values.Any(predicate);
    }

    /// <summary>Docker's label filter: <c>key</c> (present) or <c>key=value</c>.</summary>
    public static bool LabelMatches(IReadOnlyDictionary<string, string> labels, string filter)
    {
        var parts = filter.Split('=', 2);
        return parts.Length == 1 ? labels.ContainsKey(parts[0])
            : labels.TryGetValue(parts[0], out var value) && value == parts[1];
    }
}
