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

    /// <summary>
    /// Plugins whose networks are sent CreateNetwork again each time the plugin is activated, for plugins
    /// that keep no state across their own restarts (spec/store.md, "Replaying CreateNetwork"). Empty by default.
    /// </summary>
    public ISet<string> ReplayCreateNetwork { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// The longest wait between two attempts to deliver the calls owed to a driver that cannot be reached: the wait
    /// starts at 1 s and doubles up to this cap (5 min by default). A driver registered again gets its calls at once.
    /// </summary>
    public TimeSpan PendingRetryLimit { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Test hook: awaited after each step of a multi-step operation with <c>operation:step</c>, for example
    /// <c>network-create:CreateNetwork</c> (spec/store.md, "Crash tests"). A hook that never completes, or kills
    /// the process, simulates a crash right after that step. Null in production.
    /// </summary>
    public Func<string, Task>? AfterStep { get; set; }

    /// <summary>
    /// True when this controller is a node of a cluster (cnmd --cluster-store; spec/cluster.md): networks of global-scope
    /// drivers are accepted, their records go where <see cref="Store"/> routes them, and their pools are not re-requested from
    /// the IPAM at start-up, because the cluster store keeps them. False by default: a global-scope driver is refused.
    /// </summary>
    public bool GlobalScope { get; set; }

    /// <summary>
    /// False when <see cref="Store"/> does not outlive this process (cnmd <c>--store memory</c>): then no operation writes an
    /// intent record, since intents serve only the start after a crash (spec/store.md, "Intents and pending calls"), and a
    /// store that dies with the process has no such start. True by default: a caller that hands the same store to the next
    /// controller (a restart in one process, as the crash tests do) gets its intents.
    /// </summary>
    public bool StoreOutlivesProcess { get; set; } = true;

    /// <summary>The clock.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
