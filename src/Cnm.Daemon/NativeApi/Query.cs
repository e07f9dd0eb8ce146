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
}
