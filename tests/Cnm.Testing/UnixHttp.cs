using System.Net.Sockets;

namespace Cnm.Testing;

/// <summary>HttpClients over a unix socket, for tests and benchmarks that talk to cnmd or a plugin.</summary>
public static class UnixHttp
{
    /// <summary>A keep-alive client whose every connection goes to <paramref name="socketPath"/>.</summary>
    public static HttpClient CreateClient(string socketPath, string baseAddress = "http://cnmd.localhost") => new(new SocketsHttpHandler
    {
        ConnectCallback = async (_, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { BaseAddress = new Uri(baseAddress) };
}
