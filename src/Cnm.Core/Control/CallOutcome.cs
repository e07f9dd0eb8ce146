namespace Cnm.Core.Control;

/// <summary>What a driver call came to.</summary>
internal enum CallOutcome
{
    /// <summary>The driver did it.</summary>
    Done,

    /// <summary>The driver answered with an error; sending it again would not change that.</summary>
    Refused,

    /// <summary>The driver could not be reached (not registered, gone, timed out): try again later.</summary>
    Unreachable,
}
