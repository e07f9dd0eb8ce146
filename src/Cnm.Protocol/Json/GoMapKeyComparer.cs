namespace Cnm.Protocol.Json;

/// <summary>
/// The order in which Go's <c>encoding/json</c> writes the keys of a map: by the bytes of their UTF-8 form,
/// which is Unicode code-point order. Ordinal UTF-16 order differs only where a surrogate pair (a character
/// above U+FFFF) meets a character from U+E000 to U+FFFF; this comparer puts the pair last, as UTF-8 does.
/// </summary>
internal sealed class GoMapKeyComparer : IComparer<string>
{
    private GoMapKeyComparer()
    {
    }

    public static GoMapKeyComparer Instance { get; } = new();

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

        var common = x.AsSpan().CommonPrefixLength(y);
        if (common == x.Length || common == y.Length)
        {
            return x.Length - y.Length;
        }

        return CodePointOrder(x[common]) - CodePointOrder(y[common]);
    }

    // Moves surrogates (U+D800-U+DFFF) above U+E000-U+FFFF, keeping every other order.
    private static int CodePointOrder(char c) => c switch
    {
        < '\uD800' => c,
        >= '\uE000' => c - 0x800,
        _ => c + 0x2000,
    };
}
