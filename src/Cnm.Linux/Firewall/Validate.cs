using Cnm.Core.Errors;

namespace Cnm.Linux.Firewall;

/// <summary>
/// Checks the names that go into chain names and rule comments: ids of letters, digits, '-', '_' and '.', at most 64
/// long (a tag must fit nft's 127-byte comment), and Linux interface names.
/// </summary>
internal static class Validate
{
    public static void NetworkId(string? id) => Id(id, "network id");

    public static void EndpointId(string? id) => Id(id, "endpoint id");

    public static void BridgeName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 15 || name is "." or ".." || name.Any(c => c is '/' or ':' || char.IsWhiteSpace(c) || c > 0x7e || c < 0x21))
        {
            throw CnmException.InvalidParameter($"bridge name '{name}' is not a valid interface name (1 to 15 printable characters, no '/', ':' or space)");
        }
    }

    private static void Id(string? id, string what)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 64 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw CnmException.InvalidParameter($"{what} '{id}' is not usable in firewall rules (1 to 64 letters, digits, '-', '_' or '.')");
        }
    }
}
