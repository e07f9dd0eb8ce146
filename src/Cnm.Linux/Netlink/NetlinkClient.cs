using Cnm.Linux.Namespaces;

namespace Cnm.Linux.Netlink;

/// <summary>
/// An rtnetlink client: links, addresses and routes of one network namespace, the one it was opened in.
/// Calls are synchronous kernel requests (typically well under a millisecond; deleting a link can take
/// ~16 ms in the kernel), serialised per client; a client may be used from any thread. Failures throw
/// <see cref="NetlinkException"/> with the errno and the operation. Never runs ip(8).
/// </summary>
public sealed partial class NetlinkClient : IDisposable
{
    private readonly NetlinkSocket _socket;

    private NetlinkClient(NetlinkSocket socket) => _socket = socket;

    /// <summary>Opens a client for the calling thread's network namespace (for a thread-pool thread, the process's).</summary>
    public static NetlinkClient Open() => new(NetlinkSocket.Open());

    /// <summary>
    /// Opens a client for the namespace bind-mounted or linked at <paramref name="namespacePath"/> (e.g.
    /// <c>/run/netns/x</c> or <c>/proc/123/ns/net</c>). The socket is created on a dedicated thread inside that
    /// namespace and stays bound to it; no pool thread ever changes namespace.
    /// </summary>
    public static Task<NetlinkClient> OpenAsync(string namespacePath, CancellationToken cancellationToken) =>
        NetnsThread.RunAsync(namespacePath, Open, cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _socket.Dispose();
}
