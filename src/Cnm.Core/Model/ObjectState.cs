namespace Cnm.Core.Model;

/// <summary>Lifecycle of a controller object. Only <see cref="Ready"/> objects accept new work.</summary>
public enum ObjectState
{
    /// <summary>Being created: not yet visible as usable.</summary>
    Creating,
    /// <summary>Usable.</summary>
    Ready,
    /// <summary>An operation (join, leave) is in flight.</summary>
    Busy,
    /// <summary>Being deleted.</summary>
    Deleting,
}
