using Cnm.Core.Control;
using Cnm.Core.Persistence;
using Cnm.Daemon.ApiDocs;
using Cnm.Core.Store;

namespace Cnm.Daemon.NativeApi;

/// <summary>
/// <c>GET /cnm/v1/system/df</c>: what is stored, read from the store itself (the same decoding as restore and
/// <c>cnmd --check</c>), not from the controller's memory; and the calls owed to drivers, with their delivery, from memory.
/// </summary>
internal static class SystemEndpoints
{
    /// <summary>The <c>StateFile</c> reported with <c>--store memory</c>, SQLite's name for a database that is not a file.</summary>
    public const string InMemoryStateFile = ":memory:";

    public static void MapNativeSystem(this IEndpointRouteBuilder app, IKeyValueStore store, Controller controller, string stateFile) =>
        app.MapGet("/cnm/v1/system/df", async (CancellationToken cancellationToken) =>
                DockerJson.Result(await DfAsync(store, controller, stateFile, cancellationToken).ConfigureAwait(false), DockerJson.Context.SystemDfResource))
            .WithName("SystemDf").WithSummary("Show what is stored: the state file, its size and revision, and the stored objects").WithTags(RouteDescriptions.NativeTag)
            .Produces<SystemDfResource>(StatusCodes.Status200OK, DockerJson.ContentType)
            .ProducesErrors();

    private static async Task<SystemDfResource> DfAsync(IKeyValueStore store, Controller controller, string stateFile, CancellationToken cancellationToken)
    {
        var keys = await store.ListAsync("", cancellationToken).ConfigureAwait(false);
        var summary = await StoredStateInspector.InspectAsync(store, cancellationToken).ConfigureAwait(false);
        return new SystemDfResource(
            stateFile,
            SizeOf(stateFile),
            SizeOf(stateFile + "-wal"),
            summary.Revision,
            keys.Entries.Count,
            summary.Networks,
            summary.Endpoints,
            summary.Sandboxes,
            summary.Pools,
            summary.Intents,
            summary.PendingCalls,
            [.. controller.OwedCalls.Select(c => new OwedCallResource(c.Driver, c.Method, c.Call, c.Reason, c.Attempts, c.NextAttempt))]);
    }

    private static long SizeOf(string path)
    {
        if (!Path.IsPathFullyQualified(path))
        {
            return 0; // InMemoryStateFile
        }

        var file = new FileInfo(path);
        return file.Exists ? file.Length : 0;
    }
}
