using System.Security.Cryptography;

namespace Cnm.Core.Control;

/// <summary>Random 64-hex ids, as the reference makes them.</summary>
internal static class Ids
{
    private const int IdBytes = 32;

    /// <summary>Ids' worth of random bytes drawn at once per thread: one call into the system's CSPRNG per 32 ids.</summary>
    private const int BufferBytes = 32 * IdBytes;

    [ThreadStatic]
    private static byte[]? t_random;

    [ThreadStatic]
    private static int t_used;

    /// <summary>
    /// A new id. Ids whose first 12 characters are all digits are drawn again, because a short id that
    /// looks like a number confuses tools that accept both (docs/reference-host.md §6.1).
    /// </summary>
    public static string New()
    {
        while (true)
        {
            var id = Convert.ToHexStringLower(NextBytes());
            if (!id.AsSpan(0, 12).ContainsAnyExceptInRange('0', '9'))
            {
                continue;
            }

            return id;
        }
    }

    /// <summary>
    /// The next 32 bytes from the CSPRNG, taken from a per-thread buffer filled 32 ids at a time: a call into OpenSSL per
    /// id was about 10,000 instructions, 1.7% of cnmd's network cycle (spec/performance.md). Every byte is used once.
    /// </summary>
    private static ReadOnlySpan<byte> NextBytes()
    {
        var buffer = t_random;
        if (buffer is null || t_used == BufferBytes)
        {
            // Filled before it is handed out: if the CSPRNG failed, no id would come from bytes it did not write.
            var fresh = buffer ?? new byte[BufferBytes];
            RandomNumberGenerator.Fill(fresh);
            t_random = buffer = fresh;
            t_used = 0;
        }

        var bytes = buffer.AsSpan(t_used, IdBytes);
        t_used += IdBytes;
        return bytes;
    }
}
