using Cnm.Core.Errors;
using Cnm.Protocol;

namespace Cnm.Core.Store;

/// <summary>
/// A conditional store write found the key in another state than expected (category Conflict).
/// Callers that retry re-read the key and try again.
/// </summary>
public sealed class StoreConflictException : CnmException
{
    /// <summary>Creates the error for <paramref name="key"/>.</summary>
    public StoreConflictException(string key, string expected, string actual)
        : base(ErrorCategory.Conflict, $"store key \"{key}\" was modified concurrently: expected {expected}, found {actual}")
    {
        Key = key;
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The key whose comparison failed.</summary>
    public string Key { get; }

    /// <summary>What the writer expected, e.g. "mod revision 5".</summary>
    public string Expected { get; }

    /// <summary>What the store held, e.g. "mod revision 7, version 3".</summary>
    public string Actual { get; }
}
