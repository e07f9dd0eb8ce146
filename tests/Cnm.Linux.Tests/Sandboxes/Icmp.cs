using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Cnm.Linux.Namespaces;

namespace Cnm.Linux.Tests.Sandboxes;

/// <summary>An ICMP echo from inside a namespace: a raw socket opened there, used from here.</summary>
internal static class Icmp
{
    public static async Task<bool> EchoAsync(string namespacePath, IPAddress destination)
    {
        using var socket = await NetnsThread.RunAsync(namespacePath,
            () => new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Icmp), CancellationToken.None);
        var id = (ushort)Random.Shared.Next(1, ushort.MaxValue);
        var request = new byte[16];
        request[0] = 8; // echo request
        BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(4), id);
        BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(6), 1);
        BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(2), Checksum(request));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var buffer = new byte[1500];
        for (var attempt = 0; attempt < 5; attempt++)
        {
            await socket.SendToAsync(request, new IPEndPoint(destination, 0));
            try
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
                wait.CancelAfter(TimeSpan.FromSeconds(1));
                while (true)
                {
                    var got = await socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), wait.Token);
                    var ihl = (buffer[0] & 0xF) * 4;
                    if (got.ReceivedBytes >= ihl + 8 && buffer[ihl] == 0 && BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(ihl + 4)) == id
                        && ((IPEndPoint)got.RemoteEndPoint).Address.Equals(destination))
                    {
                        return true;
                    }
                }
            }
            catch (OperationCanceledException) when (!timeout.IsCancellationRequested)
            {
                // no answer within a second (ARP may still be resolving): send again
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        return false;
    }

    private static ushort Checksum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        for (var i = 0; i + 1 < data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }

        while (sum >> 16 != 0)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)~sum;
    }
}
