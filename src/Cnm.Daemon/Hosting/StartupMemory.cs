namespace Cnm.Daemon.Hosting;

/// <summary>
/// Gives the start-up's garbage back to the OS once cnmd is ready (spec/performance.md, "Idle RSS of the AOT cnmd"):
/// restoring the state, reading the configuration and building the host leave GC regions full of dead objects that an
/// idle daemon would otherwise keep resident until enough allocation triggers a collection. One blocking, compacting,
/// aggressive collection (which also decommits the freed regions) on a pool thread, after "ready" is printed, so that
/// the start-to-ready time does not include it.
/// </summary>
internal static class StartupMemory
{
    public static void ReleaseAfterStartup() =>
        ThreadPool.UnsafeQueueUserWorkItem(static _ => GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true), null);
}
