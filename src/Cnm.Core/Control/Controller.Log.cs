using Microsoft.Extensions.Logging;

namespace Cnm.Core.Control;

public sealed partial class Controller
{
    private static partial class Log
    {
        [LoggerMessage(2000, LogLevel.Warning, "Driver module {Module} failed to initialise")]
        public static partial void ModuleFailed(ILogger logger, string module, Exception exception);

        [LoggerMessage(2001, LogLevel.Warning, "Clean-up step failed and was skipped: {What}")]
        public static partial void CleanupFailed(ILogger logger, string what, Exception exception);

        [LoggerMessage(2002, LogLevel.Error, "Undo step failed while rolling back: {What}")]
        public static partial void UndoFailed(ILogger logger, string what, Exception exception);

        [LoggerMessage(2003, LogLevel.Information, "Created network {NetworkId} ({Name}, driver {Driver})")]
        public static partial void NetworkCreated(ILogger logger, string networkId, string name, string driver);

        [LoggerMessage(2004, LogLevel.Information, "Deleted network {NetworkId} ({Name})")]
        public static partial void NetworkDeleted(ILogger logger, string networkId, string name);

        [LoggerMessage(2005, LogLevel.Warning, "Forced delete of network {NetworkId}: the driver refused ({Reason}); deleted locally")]
        public static partial void ForcedNetworkDelete(ILogger logger, string networkId, string reason);

        [LoggerMessage(2006, LogLevel.Warning, "Forced delete of endpoint {EndpointId}: the driver refused ({Reason}); deleted locally")]
        public static partial void ForcedEndpointDelete(ILogger logger, string endpointId, string reason);

        [LoggerMessage(2007, LogLevel.Error, "The state store could not record an operation: {What}")]
        public static partial void StoreFailed(ILogger logger, string what, Exception exception);

        [LoggerMessage(2008, LogLevel.Information, "Restored {Networks} network(s), {Endpoints} endpoint(s) and {Sandboxes} sandbox(es) from the state store")]
        public static partial void Restored(ILogger logger, int networks, int endpoints, int sandboxes);

        [LoggerMessage(2009, LogLevel.Warning, "Ignored store key {Key} under cnm/v1/: not a network, endpoint or sandbox record")]
        public static partial void UnknownStoreKey(ILogger logger, string key);

        [LoggerMessage(2010, LogLevel.Warning, "Pending driver call {Call}: {Reason}; it is delivered once the driver can be reached")]
        public static partial void CallPending(ILogger logger, string call, string reason);

        [LoggerMessage(2011, LogLevel.Information, "Delivered pending driver call {Call}")]
        public static partial void PendingDelivered(ILogger logger, string call);

        [LoggerMessage(2012, LogLevel.Warning, "Pending driver call {Call} was answered with an error and is dropped: {Error}")]
        public static partial void PendingRefused(ILogger logger, string call, string error);

        [LoggerMessage(2013, LogLevel.Information, "Pending driver call {Call} is no longer needed (the object is in use again) and is dropped")]
        public static partial void PendingStale(ILogger logger, string call);

        [LoggerMessage(2014, LogLevel.Information, "Replayed CreateNetwork of network {NetworkId} ({Name}) to driver {Driver}")]
        public static partial void NetworkReplayed(ILogger logger, string networkId, string name, string driver);

        [LoggerMessage(2015, LogLevel.Warning, "Recovered an interrupted {Operation} of {Name} ({ObjectId}): {Outcome}")]
        public static partial void IntentRecovered(ILogger logger, string operation, string name, string objectId, string outcome);
    }
}
