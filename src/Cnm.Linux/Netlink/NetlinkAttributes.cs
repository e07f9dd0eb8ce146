using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace Cnm.Linux.Netlink;

/// <summary>Reads a run of netlink attributes: the payload of each attribute type (the last one wins).</summary>
internal readonly struct NetlinkAttributes
{
    private readonly Dictionary<ushort, ReadOnlyMemory<byte>> _byType;

    private NetlinkAttributes(Dictionary<ushort, ReadOnlyMemory<byte>> byType) => _byType = byType;

    /// <summary>Parses attributes from <paramref name="data"/>; a truncated attribute ends the run.</summary>
    public static NetlinkAttributes Parse(ReadOnlyMemory<byte> data)
    {
        var byType = new Dictionary<ushort, ReadOnlyMemory<byte>>();
        var offset = 0;
        while (offset + 4 <= data.Length)
        {
            var span = data.Span[offset..];
            var length = BinaryPrimitives.ReadUInt16LittleEndian(span);
            var type = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(span[2..]) & 0x3FFF); // drop NLA_F_NESTED / NET_BYTEORDER
            if (length < 4 || offset + length > data.Length)
            {
                break;
            }

            byType[type] = data.Slice(offset + 4, length - 4);
            offset += NetlinkWriter.Align(length);
        }

        return new NetlinkAttributes(byType);
    }

    /// <summary>True when the attribute is present.</summary>
    public bool Has(ushort type) => _byType?.ContainsKey(type) == true;

    /// <summary>The raw payload, or null.</summary>
    public ReadOnlyMemory<byte>? Raw(ushort type) => _byType is not null && _byType.TryGetValue(type, out var v) ? v : null;

    /// <summary>A NUL-terminated string, or null.</summary>
    public string? String(ushort type)
    {
        if (Raw(type) is not { } raw)
        {
            return null;
        }

        var span = raw.Span;
        var nul = span.IndexOf((byte)0);
        return Encoding.UTF8.GetString(nul < 0 ? span : span[..nul]);
    }

    /// <summary>A 32-bit value, or null.</summary>
    public uint? UInt32(ushort type) => Raw(type) is { Length: >= 4 } raw ? BinaryPrimitives.ReadUInt32LittleEndian(raw.Span) : null;

    /// <summary>An IPv4 or IPv6 address (by payload length), or null.</summary>
    public IPAddress? Address(ushort type) => Raw(type) is { Length: 4 or 16 } raw ? new IPAddress(raw.Span) : null;

    /// <summary>The attributes nested in <paramref name="type"/> (empty when absent).</summary>
    public NetlinkAttributes Nested(ushort type) => Parse(Raw(type) ?? ReadOnlyMemory<byte>.Empty);
}
