using Cnm.Core.Errors;
using Grpc.Core;

namespace Cnm.Store.Etcd;

/// <summary>Sorts the errors etcd and gRPC report into "retry" and "give up", and maps them to Cnm's categories.</summary>
internal static class EtcdErrors
{
    // etcd's own error descriptions (api/v3rpc/rpctypes); gRPC carries nothing else to tell them apart.
    private const string Compacted = "mvcc: required revision has been compacted";
    private const string FutureRevision = "mvcc: required revision is a future revision";
    private const string LeaseNotFound = "etcdserver: requested lease not found";

    /// <summary>True for failures that another attempt (on this or another member) can get past: no leader, leader changed, a dead member, a timeout.</summary>
    public static bool IsTransient(RpcException error) => error.StatusCode is
        StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted or StatusCode.Aborted
        or StatusCode.Internal or StatusCode.Unknown && TlsFailure(error) is null;

    /// <summary>
    /// True when the call never reached a member: the connection was refused, or the host or network
    /// is unreachable. With the channel balancing over live members, that means none was reachable.
    /// </summary>
    public static bool IsUnreachable(RpcException error)
    {
        for (Exception? e = error.Status.DebugException; e is not null; e = e.InnerException)
        {
            if (e is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused
                or System.Net.Sockets.SocketError.HostUnreachable or System.Net.Sockets.SocketError.NetworkUnreachable
                or System.Net.Sockets.SocketError.TimedOut or System.Net.Sockets.SocketError.HostNotFound })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The TLS handshake's error when that is why the call failed (a certificate refused either way); retrying will not help.</summary>
    public static string? TlsFailure(RpcException error)
    {
        for (Exception? e = error.Status.DebugException; e is not null; e = e.InnerException)
        {
            if (e is System.Security.Authentication.AuthenticationException)
            {
                return e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message;
            }
        }

        return null;
    }

    /// <summary>The write's lease expired before the write was applied (so it was not applied).</summary>
    public static bool IsLeaseNotFound(RpcException error) =>
        error.StatusCode == StatusCode.NotFound && error.Status.Detail.Contains(LeaseNotFound, StringComparison.Ordinal);

    /// <summary>A read or watch asked for a revision etcd has compacted away.</summary>
    public static bool IsCompacted(RpcException error) =>
        error.StatusCode == StatusCode.OutOfRange && error.Status.Detail.Contains(Compacted, StringComparison.Ordinal);

    /// <summary>A read asked for a revision etcd has not reached yet.</summary>
    public static bool IsFutureRevision(RpcException error) =>
        error.StatusCode == StatusCode.OutOfRange && error.Status.Detail.Contains(FutureRevision, StringComparison.Ordinal);

    /// <summary>The error an operation ends with once it stops retrying.</summary>
    public static CnmException Map(string store, string what, RpcException error, bool outcomeUnknown)
    {
        var detail = string.IsNullOrEmpty(error.Status.Detail) ? error.StatusCode.ToString() : error.Status.Detail;
        var unknown = outcomeUnknown
            ? "; the write may or may not have been applied: read the keys again before retrying"
            : "";
        if (TlsFailure(error) is { } tls)
        {
            return new CnmException(Cnm.Protocol.ErrorCategory.Unavailable, $"etcd store {store} is unreachable: the TLS handshake failed, could not {what} ({tls}); check the CA, certificate and key files", error);
        }

        return error.StatusCode switch
        {
            StatusCode.Unauthenticated or StatusCode.PermissionDenied =>
                new CnmException(Cnm.Protocol.ErrorCategory.Forbidden, $"etcd store {store} refused to {what}: {detail}", error),
            StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.OutOfRange =>
                new CnmException(Cnm.Protocol.ErrorCategory.InvalidParameter, $"etcd store {store} refused to {what}: {detail}", error),
            _ when IsTransient(error) =>
                new CnmException(Cnm.Protocol.ErrorCategory.Unavailable, $"etcd store {store} is unreachable: could not {what} ({detail}){unknown}", error),
            _ => CnmException.Internal($"etcd store {store} failed to {what}: {detail}{unknown}", error),
        };
    }
}
