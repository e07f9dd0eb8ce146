using System.Security.Cryptography;

namespace Cnm.Core.Control;

/// <summary>Random 64-hex ids, as the reference makes them.</summary>
internal static class Ids
{
    /// <summary>
    /// A new id. Ids whose first 12 characters are all digits are drawn again, because a short id that
    /// looks like a number confuses tools that accept both (docs/reference-host.md §6.1).
    /// </summary>
    public static string New()
    {
        while (true)
        {
            var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            if (!id.AsSpan(0, 12).ContainsAnyExceptInRange('0', '9'))
            {
                continue;
            }

            return id;
        }
    }

}
