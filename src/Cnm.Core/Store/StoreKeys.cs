using Cnm.Core.Errors;

namespace Cnm.Core.Store;

/// <summary>Key rules shared by every store: validation, ordering and prefix matching.</summary>
public static class StoreKeys
{
    /// <summary>
    /// Orders keys by Unicode code point, which is the byte order of their UTF-8 form: the order of
    /// etcd and of SQLite's BINARY collation (plain ordinal order differs above U+D7FF).
    /// </summary>
    public static IComparer<string> Comparer { get; } = new CodePointComparer();

    /// <summary>Throws InvalidParameter unless <paramref name="key"/> is a valid store key.</summary>
    public static void Validate(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 0)
        {
            throw CnmException.InvalidParameter("store key is empty");
        }

        ValidateText(key, "store key");
    }

    /// <summary>Throws InvalidParameter unless <paramref name="prefix"/> is a valid prefix (empty means every key).</summary>
    public static void ValidatePrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ValidateText(prefix, "store key prefix");
    }

    /// <summary>True when <paramref name="key"/> lies under <paramref name="prefix"/>.</summary>
    public static bool HasPrefix(string key, string prefix) => key.StartsWith(prefix, StringComparison.Ordinal);

    /// <summary>True when <paramref name="key"/> lies under any of <paramref name="prefixes"/>.</summary>
    public static bool HasAnyPrefix(string key, ReadOnlySpan<string> prefixes)
    {
        foreach (var prefix in prefixes)
        {
            if (HasPrefix(key, prefix))
            {
                return true;
            }
        }

        return false;
    }

    private static void ValidateText(string text, string what)
    {
        // The common case in two vectorised scans (every commit validates its keys): no NUL and no surrogate at all.
        var span = text.AsSpan();
        if (!span.Contains('\0') && !span.ContainsAnyInRange('\uD800', '\uDFFF'))
        {
            return;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0')
            {
                throw CnmException.InvalidParameter($"{what} \"{text.Replace("\0", "\\0", StringComparison.Ordinal)}\" contains a NUL character at position {i}");
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                throw CnmException.InvalidParameter($"{what} contains an unpaired UTF-16 surrogate at position {i}");
            }
        }
    }

    private sealed class CodePointComparer : IComparer<string>
    {
        public int Compare(string? x, string? y)
        {
            if (ReferenceEquals(x, y))
            {
                return 0;
            }

            if (x is null || y is null)
            {
                return x is null ? -1 : 1;
            }

            // The first difference found by a vectorised scan; keys of one kind share a long prefix.
            var i = x.AsSpan().CommonPrefixLength(y);
            return i < x.Length && i < y.Length ? Fix(x[i]) - Fix(y[i]) : x.Length - y.Length;
        }

        // Surrogates (U+D800-DFFF) encode code points above U+FFFF, so they must sort after U+E000-FFFF.
        private static int Fix(char c) => c < 0xD800 ? c : c < 0xE000 ? c + 0x2000 : c - 0x800;
    }
}
