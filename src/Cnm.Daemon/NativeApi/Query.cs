using Cnm.Core.Errors;

namespace Cnm.Daemon.NativeApi;

/// <summary>
/// Query parameters of native routes: each route names the ones it knows, and anything else is refused with
/// its name, so a misspelt filter never silently widens a list or a delete.
/// </summary>
internal static class Query
{
    public static Dictionary<string, string> Only(HttpRequest request, params string[] allowed)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in request.Query)
        {
            if (!allowed.Contains(key, StringComparer.Ordinal))
            {
                throw CnmException.InvalidParameter(
                    $"unknown query parameter \"{key}\" for {request.Method} {request.Path}: "
                    + (allowed.Length == 0 ? "it takes none" : $"expected {string.Join(" or ", allowed)}"));
            }

            if (value.Count != 1)
            {
                throw CnmException.InvalidParameter($"query parameter \"{key}\" given {value.Count} times: give it once");
            }

            values[key] = value[0] ?? "";
        }

        return values;
    }

    /// <summary>The boolean query parameter <paramref name="name"/>: absent, empty, false or 0 is false; true or 1 is true.</summary>
    public static bool Flag(Dictionary<string, string> query, string name) => query.GetValueOrDefault(name) switch
    {
        null or "" or "false" or "0" => false,
        "true" or "1" => true,
        var other => throw CnmException.InvalidParameter($"invalid value for {name}: \"{other}\": expected true or false"),
    };
}
