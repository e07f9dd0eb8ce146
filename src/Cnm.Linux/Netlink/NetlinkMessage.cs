using System.Buffers.Binary;

namespace Cnm.Linux.Netlink;

/// <summary>One received netlink message: header fields and the payload after the 16-byte header.</summary>
internal readonly record struct NetlinkMessage(ushort Type, ushort Flags, uint Sequence, ReadOnlyMemory<byte> Payload)
{
    /// <summary>Splits a datagram into messages; a truncated tail is dropped.</summary>
    public static List<NetlinkMessage> Split(ReadOnlyMemory<byte> datagram)
    {
        var messages = new List<NetlinkMessage>();
        var offset = 0;
        while (offset + Nl.HeaderSize <= datagram.Length)
        {
            var span = datagram.Span[offset..];
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(span);
            if (length < Nl.HeaderSize || offset + length > datagram.Length)
            {
                break;
            }

            messages.Add(new NetlinkMessage(
                BinaryPrimitives.ReadUInt16LittleEndian(span[4..]),
                BinaryPrimitives.ReadUInt16LittleEndian(span[6..]),
                BinaryPrimitives.ReadUInt32LittleEndian(span[8..]),
                datagram.Slice(offset + Nl.HeaderSize, length - Nl.HeaderSize)));
            offset += NetlinkWriter.Align(length);
        }

        return messages;
    }

    /// <summary>
    /// For an NLMSG_ERROR: the positive errno (0 for an ack) and the kernel's extended-ack text. With
    /// NETLINK_CAP_ACK the echoed request is only its 16-byte header, and the TLVs follow it.
    /// </summary>
    public (int Errno, string? Message) ReadError()
    {
        var span = Payload.Span;
        var errno = span.Length >= 4 ? -BinaryPrimitives.ReadInt32LittleEndian(span) : 0;
        string? text = null;
        if ((Flags & Nl.AckTlvs) != 0 && Payload.Length > 4 + Nl.HeaderSize)
        {
            text = NetlinkAttributes.Parse(Payload[(4 + Nl.HeaderSize)..]).String(Nl.ErrAttrMsg);
        }

        return (errno, text);
    }
}
