using System.Net.Sockets;
using Cnm.Linux.Namespaces;

namespace Cnm.Linux.Netlink;

/// <summary>
/// An AF_NETLINK / NETLINK_ROUTE socket, bound to the network namespace of the thread that opened it, for the
/// rest of its life. Requests are serialised: one request and its replies at a time.
/// </summary>
internal sealed class NetlinkSocket : IDisposable
{
    private readonly Socket _socket;
    private readonly Lock _gate = new();
    private readonly byte[] _receive = new byte[64 * 1024];
    private uint _sequence;

    private NetlinkSocket(Socket socket) => _socket = socket;

    /// <summary>Opens a socket in the calling thread's network namespace.</summary>
    public static NetlinkSocket Open()
    {
        var fd = LibC.socket(LibC.AfNetlink, LibC.SockRaw | LibC.SockCloexec, LibC.NetlinkRoute);
        if (fd < 0)
        {
            throw new NetlinkException("open a netlink socket", LibC.Errno);
        }

        var one = 1;
        _ = LibC.setsockopt(fd, LibC.SolNetlink, LibC.NetlinkExtAck, ref one, sizeof(int));
        _ = LibC.setsockopt(fd, LibC.SolNetlink, LibC.NetlinkCapAck, ref one, sizeof(int));
        return new NetlinkSocket(new Socket(new SafeSocketHandle(fd, ownsHandle: true)));
    }

    /// <summary>Sends a request with NLM_F_ACK and waits for the ack; a kernel error becomes a <see cref="NetlinkException"/>.</summary>
    public void Execute(NetlinkWriter request, string operation) => Exchange(request, operation);

    /// <summary>Sends a dump (or get) request and returns every reply message up to NLMSG_DONE (or the single answer).</summary>
    public List<NetlinkMessage> Dump(NetlinkWriter request, string operation) => Exchange(request, operation);

    /// <inheritdoc />
    public void Dispose() => _socket.Dispose();

    private List<NetlinkMessage> Exchange(NetlinkWriter request, string operation)
    {
        lock (_gate)
        {
            var sequence = ++_sequence;
            var bytes = request.Finish(sequence);
            try
            {
                _socket.Send(bytes.Span);
            }
            catch (SocketException ex)
            {
                throw new NetlinkException(operation, ex.NativeErrorCode);
            }

            var replies = new List<NetlinkMessage>();
            while (true)
            {
                var count = _socket.Receive(_receive);
                foreach (var message in NetlinkMessage.Split(_receive.AsMemory(0, count).ToArray()))
                {
                    if (message.Sequence != sequence)
                    {
                        continue; // a late reply to an earlier, abandoned request
                    }

                    if (message.Type == Nl.Error)
                    {
                        var (errno, text) = message.ReadError();
                        if (errno != 0)
                        {
                            throw new NetlinkException(operation, errno, text);
                        }

                        return replies;
                    }

                    if (message.Type == Nl.Done)
                    {
                        var (errno, text) = message.ReadError();
                        return errno > 0 ? throw new NetlinkException(operation, errno, text) : replies;
                    }

                    replies.Add(message);
                    if ((message.Flags & Nl.Multi) == 0) // a single answer (a get by name or index)
                    {
                        return replies;
                    }
                }
            }
        }
    }
}
