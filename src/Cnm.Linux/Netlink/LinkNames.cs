using System.Text;
using Cnm.Core.Errors;

namespace Cnm.Linux.Netlink;

/// <summary>The kernel's rule for interface names (dev_valid_name): 1 to 15 bytes, no '/', ':' or white space, not "." or "..".</summary>
public static class LinkNames
{
    /// <summary>The longest name the kernel takes (IFNAMSIZ - 1).</summary>
    public const int MaxLength = 15;

    /// <summary>True when the kernel accepts <paramref name="name"/> as an interface name.</summary>
    public static bool IsValid(string? name) =>
        !string.IsNullOrEmpty(name) && Encoding.UTF8.GetByteCount(name) <= MaxLength && name is not ("." or "..")
        && !name.Any(c => c is '/' or ':' || char.IsWhiteSpace(c) || char.IsControl(c));

    /// <summary>Throws an InvalidParameter <see cref="CnmException"/> naming <paramref name="what"/> when <paramref name="name"/> is not valid.</summary>
    public static void Validate(string? name, string what)
    {
        if (!IsValid(name))
        {
            throw CnmException.InvalidParameter(
                $"{what} \"{name}\" is not a valid interface name (1 to {MaxLength} bytes, no '/', ':' or white space)");
        }
    }
}
