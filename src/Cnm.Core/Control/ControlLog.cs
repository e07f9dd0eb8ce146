using Microsoft.Extensions.Logging;

namespace Cnm.Core.Control;

/// <summary>The log lines of the controller and its pieces (one logger category: the controller's), with their ids from <see cref="EventIds"/>.</summary>
internal static partial class ControlLog
{
    [LoggerMessage(EventIds.ModuleFailed, LogLevel.Warning, "Driver module {Module} failed to initialise")]
    public static partial void ModuleFailed(ILogger logger, string module, Exception exception);

    [LoggerMessage(EventIds.CleanupFailed, LogLevel.Warning, "Clean-up step failed and was skipped: {What}")]
    public static partial void CleanupFailed(ILogger logger, string what, Exception exception);

    [LoggerMessage(EventIds.UndoFailed, LogLevel.Error, "Undo step failed while rolling back: {What}")]
    public static partial void UndoFailed(ILogger logger, string what, Exception exception);

    [LoggerMessage(EventIds.NetworkCreated, LogLevel.Information, "Created network {NetworkId} ({Name}, driver {Driver})")]
    public static partial void NetworkCreated(ILogger logger, string networkId, string name, string driver);

    [LoggerMessage(EventIds.NetworkDeleted, LogLevel.Information, "Deleted network {NetworkId} ({Name})")]
    public static partial void NetworkDeleted(ILogger logger, string networkId, string name);

    [LoggerMessage(EventIds.ForcedNetworkDelete, LogLevel.Warning, "Forced delete of network {NetworkId}: the driver refused ({Reason}); deleted locally")]
    public static partial void ForcedNetworkDelete(ILogger logger, string networkId, string reason);

    [LoggerMessage(EventIds.ForcedEndpointDelete, LogLevel.Warning, "Forced delete of endpoint {EndpointId}: the driver refused ({Reason}); deleted locally")]
    public static partial void ForcedEndpointDelete(ILogger logger, string endpointId, string reason);

    [LoggerMessage(EventIds.StoreFailed, LogLevel.Error, "The state store could not record an operation: {What}")]
    public static partial void StoreFailed(ILogger logger, string what, Exception exception);

    [LoggerMessage(EventIds.Restored, LogLevel.Information, "Restored {Networks} network(s), {Endpoints} endpoint(s) and {Sandboxes} sandbox(es) from the state store")]
    public static partial void Restored(ILogger logger, int networks, int endpoints, int sandboxes);

    [LoggerMessage(EventIds.UnknownStoreKey, LogLevel.Warning, "Ignored store key {Key} under cnm/v1/: not a network, endpoint or sandbox record")]
    public static partial void UnknownStoreKey(ILogger logger, string key);

    [LoggerMessage(EventIds.CallPending, LogLevel.Warning,
        "Driver call {Method} to {Plugin} is owed after {Attempts} attempt(s) ({Call}): {Reason}; it is delivered once the driver can be reached")]
    public static partial void CallPending(ILogger logger, string method, string plugin, int attempts, string call, string reason);

    [LoggerMessage(EventIds.PendingDelivered, LogLevel.Warning, "Delivered owed driver call {Method} to {Plugin} after {Attempts} attempt(s) ({Call})")]
    public static partial void PendingDelivered(ILogger logger, string method, string plugin, int attempts, string call);

    [LoggerMessage(EventIds.PendingRefused, LogLevel.Warning,
        "Owed driver call {Method} to {Plugin} was answered with an error after {Attempts} attempt(s) and is dropped ({Call}): {Error}")]
    public static partial void PendingRefused(ILogger logger, string method, string plugin, int attempts, string call, string error);

    [LoggerMessage(EventIds.PendingRetry, LogLevel.Debug,
        "Owed driver call {Method} to {Plugin} did not reach it (attempt {Attempts}): {Error}; next attempt in {DelaySeconds:0.#} s")]
    public static partial void PendingRetry(ILogger logger, string method, string plugin, int attempts, double delaySeconds, string error);

    [LoggerMessage(EventIds.PendingRetryDetail, LogLevel.Trace, "Owed driver call {Call} did not reach its driver")]
    public static partial void PendingRetryDetail(ILogger logger, string call, Exception? exception);

    [LoggerMessage(EventIds.PendingStale, LogLevel.Information, "Pending driver call {Call} is no longer needed (the object is in use again) and is dropped")]
    public static partial void PendingStale(ILogger logger, string call);

    [LoggerMessage(EventIds.NetworkReplayed, LogLevel.Information, "Replayed CreateNetwork of network {NetworkId} ({Name}) to driver {Driver}")]
    public static partial void NetworkReplayed(ILogger logger, string networkId, string name, string driver);

    [LoggerMessage(EventIds.ClusterCreateOwed, LogLevel.Warning, "Cluster network {NetworkId} ({Name}) is listed, but its driver {Driver} is not available on this node ({Reason}); its CreateNetwork is sent when the driver registers or before the first endpoint here")]
    public static partial void ClusterCreateOwed(ILogger logger, string networkId, string name, string driver, string reason);

    [LoggerMessage(EventIds.ClusterCreateSent, LogLevel.Information, "Sent the owed CreateNetwork of cluster network {NetworkId} ({Name}) to driver {Driver}")]
    public static partial void ClusterCreateSent(ILogger logger, string networkId, string name, string driver);

    [LoggerMessage(EventIds.IntentRecovered, LogLevel.Warning, "Recovered an interrupted {Operation} of {Name} ({ObjectId}): {Outcome}")]
    public static partial void IntentRecovered(ILogger logger, string operation, string name, string objectId, string outcome);

    [LoggerMessage(EventIds.SandboxVanished, LogLevel.Warning,
        "Sandbox {Name} ({Id}) was restored but its namespace {Key} is gone: deleting it; its {Endpoints} joined endpoint(s) leave and are deleted")]
    public static partial void SandboxVanished(ILogger logger, string name, string id, string key, int endpoints);

    [LoggerMessage(EventIds.UnknownSandboxRemoved, LogLevel.Warning, "Removed namespace {Key}: no sandbox in the state file has it")]
    public static partial void UnknownSandboxRemoved(ILogger logger, string key);
}
