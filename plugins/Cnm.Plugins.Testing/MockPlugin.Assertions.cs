namespace Cnm.Plugins.Testing;

public sealed partial class MockPlugin
{
    /// <summary>The methods called are exactly <paramref name="methods"/>, in this order.</summary>
    /// <exception cref="MockAssertionException">They are not.</exception>
    public void AssertSequence(params string[] methods)
    {
        var actual = Methods;
        if (!actual.SequenceEqual(methods, StringComparer.Ordinal))
        {
            throw new MockAssertionException($"expected the calls {Describe(methods)}; got {Describe(actual)}");
        }
    }

    /// <summary>
    /// <paramref name="methods"/> were called in this order, other calls possibly in between.
    /// </summary>
    /// <exception cref="MockAssertionException">They were not.</exception>
    public void AssertCalledInOrder(params string[] methods)
    {
        ArgumentNullException.ThrowIfNull(methods);
        var actual = Methods;
        var next = 0;
        foreach (var method in actual)
        {
            if (next < methods.Length && method == methods[next])
            {
                next++;
            }
        }

        if (next < methods.Length)
        {
            throw new MockAssertionException(
                $"expected {Describe(methods)} in this order; {methods[next]} is missing after them; calls: {Describe(actual)}");
        }
    }

    /// <summary><paramref name="method"/> was called exactly <paramref name="times"/> times.</summary>
    /// <exception cref="MockAssertionException">It was not.</exception>
    public void AssertCalled(string method, int times = 1)
    {
        var count = CallsTo(method).Count;
        if (count != times)
        {
            throw new MockAssertionException(
                $"expected {method} {times} time(s), it was called {count} time(s); calls: {Describe(Methods)}");
        }
    }

    /// <summary><paramref name="method"/> was never called.</summary>
    /// <exception cref="MockAssertionException">It was.</exception>
    public void AssertNotCalled(string method) => AssertCalled(method, 0);
}
