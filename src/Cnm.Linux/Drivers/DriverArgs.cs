using System.Net;
using System.Text.Json;
using Cnm.Core.Drivers;
using Cnm.Core.Errors;
using static Cnm.Core.Drivers.DriverOptionKeys;

namespace Cnm.Linux.Drivers;

/// <summary>Reads the generic option maps the controller gives built-in drivers (docs/reference-host.md §3.2, §3.5).</summary>
internal static class DriverArgs
{
    /// <summary>The driver options (<c>-o key=value</c>) of a network.</summary>
    public static IReadOnlyDictionary<string, string> DriverOptions(CreateNetworkArgs args)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (args.Options.TryGetValue(Generic, out var generic) && generic.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in generic.EnumerateObject())
            {
                map[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
            }
        }

        return map;
    }

    /// <summary>Whether the network is <c>--internal</c>.</summary>
    public static bool IsInternal(CreateNetworkArgs args) =>
        args.Options.TryGetValue(Internal, out var value) && value.ValueKind == JsonValueKind.True;

    /// <summary>Parses a boolean driver option the way Go's strconv.ParseBool does; a clear error otherwise.</summary>
    public static bool Bool(IReadOnlyDictionary<string, string> options, string key, bool fallback, string what)
    {
        if (!options.TryGetValue(key, out var text))
        {
            return fallback;
        }

        return text switch
        {
            "1" or "t" or "T" or "true" or "TRUE" or "True" => true,
            "0" or "f" or "F" or "false" or "FALSE" or "False" => false,
            _ => throw CnmException.InvalidParameter($"{what}: invalid value \"{text}\" for option {key}: it must be true or false"),
        };
    }

    /// <summary>Parses an IPv4 address option; a clear error otherwise.</summary>
    public static IPAddress? IPv4(IReadOnlyDictionary<string, string> options, string key, string what)
    {
        if (!options.TryGetValue(key, out var text) || text.Length == 0)
        {
            return null;
        }

        if (!IPAddress.TryParse(text, out var address) || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            throw CnmException.InvalidParameter($"{what}: invalid value \"{text}\" for option {key}: it must be an IPv4 address");
        }

        return address;
    }
}
