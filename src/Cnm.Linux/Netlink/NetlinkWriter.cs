using System.Buffers.Binary;
using System.Text;

namespace Cnm.Linux.Netlink;

/// <summary>
/// Builds one netlink request: the 16-byte header, a fixed family header, and attributes (nested ones too),
/// each aligned to 4 bytes. Host byte order (netlink is native-endian) except where a call says otherwise.
/// </summary>
internal sealed class NetlinkWriter
{
    private byte[] _buffer = new byte[256];
    private int _length;

    /// <summary>Starts a message of <paramref name="type"/> with <paramref name="flags"/>.</summary>
    public NetlinkWriter(ushort type, ushort flags)
    {
        _length = Nl.HeaderSize;
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(4), type);
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(6), flags);
    }

    /// <summary>Bytes written so far.</summary>
    public int Length => _length;

    /// <summary>Appends raw bytes (a family header), padded to 4.</summary>
    public NetlinkWriter Bytes(ReadOnlySpan<byte> data)
    {
        data.CopyTo(Reserve(Align(data.Length)));
        return this;
    }

    /// <summary>Appends an <c>ifinfomsg</c>.</summary>
    public NetlinkWriter IfInfo(byte family = Nl.AfUnspec, int index = 0, uint flags = 0, uint change = 0)
    {
        var s = Reserve(16);
        s[0] = family;
        BinaryPrimitives.WriteInt32LittleEndian(s[4..], index);
        BinaryPrimitives.WriteUInt32LittleEndian(s[8..], flags);
        BinaryPrimitives.WriteUInt32LittleEndian(s[12..], change);
        return this;
    }

    /// <summary>Appends an attribute with a payload.</summary>
    public NetlinkWriter Attr(ushort type, ReadOnlySpan<byte> payload)
    {
        var s = Reserve(Align(4 + payload.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(s, (ushort)(4 + payload.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(s[2..], type);
        payload.CopyTo(s[4..]);
        return this;
    }

    /// <summary>Appends a NUL-terminated string attribute.</summary>
    public NetlinkWriter Attr(ushort type, string value)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(value) + 1];
        Encoding.UTF8.GetBytes(value, bytes);
        return Attr(type, bytes);
    }

    /// <summary>Appends a 32-bit attribute.</summary>
    public NetlinkWriter Attr(ushort type, uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        return Attr(type, b);
    }

    /// <summary>Appends an 8-bit attribute.</summary>
    public NetlinkWriter AttrByte(ushort type, byte value) => Attr(type, [value]);

    /// <summary>Appends a 16-bit attribute in network byte order (ports).</summary>
    public NetlinkWriter AttrBigEndian16(ushort type, ushort value)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(b, value);
        return Attr(type, b);
    }

    /// <summary>Opens a nested attribute; close it with <see cref="End"/> and the returned offset.</summary>
    public int Begin(ushort type)
    {
        var start = _length;
        var s = Reserve(4);
        BinaryPrimitives.WriteUInt16LittleEndian(s[2..], type);
        return start;
    }

    /// <summary>Closes the nested attribute opened at <paramref name="start"/>.</summary>
    public NetlinkWriter End(int start)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(start), (ushort)(_length - start));
        return this;
    }

    /// <summary>Sets length and sequence number and returns the message bytes.</summary>
    public ReadOnlyMemory<byte> Finish(uint sequence)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer, (uint)_length);
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(8), sequence);
        return _buffer.AsMemory(0, _length);
    }

    /// <summary>Rounds up to the netlink alignment of 4.</summary>
    public static int Align(int length) => (length + 3) & ~3;

    private Span<byte> Reserve(int count)
    {
        if (_length + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        }

        var span = _buffer.AsSpan(_length, count);
        span.Clear();
        _length += count;
        return span;
    }
}
