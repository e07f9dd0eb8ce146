using System.Text.RegularExpressions;

namespace Cnm.Daemon.Http;

/// <summary>Names the API accepts for networks and sandboxes.</summary>
internal static partial class Names
{
    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}$", RegexOptions.CultureInvariant)]
    private static partial Regex Valid();

    public static bool IsValid(string name) => Valid().IsMatch(name);
}
