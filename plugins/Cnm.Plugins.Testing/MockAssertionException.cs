namespace Cnm.Plugins.Testing;

/// <summary>Thrown by the assertions of <see cref="MockPlugin"/>; its message lists what was called.</summary>
public sealed class MockAssertionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MockAssertionException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public MockAssertionException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public MockAssertionException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
