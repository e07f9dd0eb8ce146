using Cnm.Core.Errors;

namespace Cnm.Daemon.DockerApi;

/// <summary>Boolean query values as Go's strconv.ParseBool reads them, which is what dockerd uses.</summary>
internal static class GoBool
{
    /// <summary>The value of <paramref name="name"/>; absent or empty is false; anything ParseBool refuses is a 400 naming it.</summary>
    public static bool Parse(string name, string? value) => value switch
    {
        null or "" => false,
        "1" or "t" or "T" or "TRUE" or "true" or "True" => true,
        "0" or "f" or "F" or "FALSE" or "false" or "False" => false,
        _ => throw CnmException.InvalidParameter($"invalid value for {name}: \"{value}\": expected true or false"),
    };
}
