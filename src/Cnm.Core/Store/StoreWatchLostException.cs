using Cnm.Core.Errors;
using Cnm.Protocol;

namespace Cnm.Core.Store;

/// <summary>
/// A watch cannot go on without missing events: it fell behind its buffer, asked for a revision
/// the store no longer keeps, or the store closed (category Unavailable). The watcher lists again
/// and starts a new watch after the list's revision.
/// </summary>
public sealed class StoreWatchLostException : CnmException
{
    /// <summary>Creates the error.</summary>
    public StoreWatchLostException(string message)
        : base(ErrorCategory.Unavailable, message)
    {
    }
}
