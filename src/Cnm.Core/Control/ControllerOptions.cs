using Cnm.Core.Sandboxes;

namespace Cnm.Core.Control;

/// <summary>Options of <see cref="Controller"/>.</summary>
public sealed class ControllerOptions
{
    /// <summary>The sandbox implementation; an <see cref="InMemorySandboxProvider"/> when null.</summary>
    public ISandboxProvider? Sandboxes { get; set; }

    /// <summary>The clock.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
