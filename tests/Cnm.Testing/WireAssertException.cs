namespace Cnm.Testing;

/// <summary>A plugin received something other than the exact bytes a test expected (<see cref="WireAssert"/>).</summary>
public sealed class WireAssertException : Exception
{
    public WireAssertException()
    {
    }

    public WireAssertException(string message)
        : base(message)
    {
    }

    public WireAssertException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
