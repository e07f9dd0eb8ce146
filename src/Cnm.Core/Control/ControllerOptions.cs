using Cnm.Core.Sandboxes;
using Cnm.Core.Store;

namespace Cnm.Core.Control;

/// <summary>Options of <see cref="Controller"/>.</summary>
public sealed class ControllerOptions
{
    /// <summary>The sandbox implementation; an <see cref="InMemorySandboxProvider"/> when null.</summary>
    public ISandboxProvider? Sandboxes { get; set; }

    /// <summary>
    /// Where networks, endpoints and sandboxes are persisted (one commit per successful operation) and
    /// restored from at creation (spec/store.md, "What is persisted"). A fresh
    /// <see cref="InMemoryKeyValueStore"/> when null. The caller owns the store and disposes it.
    /// </summary>
    public IKeyValueStore? Store { get; set; }

    /// <summary>The clock.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
