using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace Cnm.Core.Net;

/// <summary>
/// An address with a prefix length, such as <c>172.18.0.1/16</c>. Unlike <see cref="IPNetwork"/> it keeps
/// host bits, because the protocol uses the same form for pools, gateways and endpoint addresses
/// (docs/reference-host.md §3.2: a remote IPAM's <c>10.1.2.3/24</c> is forwarded unchanged).
/// </summary>
public readonly record struct IpPrefix
{
    /// <summary>Creates a prefix; the address keeps its host bits.</summary>
    public IpPrefix(IPAddress address, int prefixLength)
    {
        ArgumentNullException.ThrowIfNull(address);
        var bits = address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;
        ArgumentOutOfRangeException.ThrowIfNegative(prefixLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixLength, bits);
        Address = address;
        PrefixLength = prefixLength;
    }

    /// <summary>The address, host bits included.</summary>
    public IPAddress Address { get; }

    /// <summary>The number of network bits.</summary>
    public int PrefixLength { get; }

    /// <summary>True for IPv6.</summary>
    public bool IsV6 => Address.AddressFamily == AddressFamily.InterNetworkV6;

    /// <summary>Address width in bits: 32 or 128.</summary>
    public int AddressBits => IsV6 ? 128 : 32;

    /// <summary>The prefix with host bits cleared, e.g. <c>172.18.0.0/16</c> for <c>172.18.0.1/16</c>.</summary>
    public IpPrefix Network => new(FromUInt128(ToUInt128(Address) & Mask, IsV6), PrefixLength);

    /// <summary>Number of host bits.</summary>
    public int HostBits => AddressBits - PrefixLength;

    private UInt128 Mask => PrefixLength == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - PrefixLength) >> (128 - AddressBits);

    /// <summary>True when <paramref name="address"/> is of the same family and inside this prefix.</summary>
    public bool Contains(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.AddressFamily == Address.AddressFamily && (ToUInt128(address) & Mask) == (ToUInt128(Address) & Mask);
    }

    /// <summary>True when the two prefixes share any address.</summary>
    public bool Overlaps(IpPrefix other) =>
        other.IsV6 == IsV6 && (PrefixLength <= other.PrefixLength ? Contains(other.Address) : other.Contains(Address));

    /// <summary>The address at <paramref name="offset"/> from the network address.</summary>
    public IPAddress AddressAt(UInt128 offset) => FromUInt128((ToUInt128(Address) & Mask) + offset, IsV6);

    /// <summary>The offset of <paramref name="address"/> from the network address.</summary>
    public UInt128 OffsetOf(IPAddress address) => ToUInt128(address) - (ToUInt128(Address) & Mask);

    /// <summary>Parses <c>a.b.c.d/n</c> or <c>x::y/n</c>; host bits are kept.</summary>
    public static IpPrefix Parse(string text) =>
        TryParse(text, out var prefix) ? prefix : throw new FormatException($"\"{text}\" is not a CIDR (address/prefix-length)");

    /// <summary>Parses <c>a.b.c.d/n</c> or <c>x::y/n</c>; host bits are kept.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out IpPrefix prefix)
    {
        prefix = default;
        var slash = text?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (text is null || slash <= 0
            || (!text.AsSpan(0, slash).Contains(':') && !IsDottedQuad(text.AsSpan(0, slash)))
            || !IPAddress.TryParse(text.AsSpan(0, slash), out var address)
            || (address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0)
            || !int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out var length))
        {
            return false;
        }

        var bits = address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;
        if (length > bits || text.AsSpan(0, slash).Contains('%'))
        {
            return false;
        }

        prefix = new IpPrefix(address, length);
        return true;
    }

    /// <summary>
    /// True for exactly four decimal parts of 0-255 without leading zeros, as Go's parser demands.
    /// <see cref="IPAddress.TryParse(ReadOnlySpan{char}, out IPAddress?)"/> also takes <c>10</c> (as 0.0.0.10),
    /// <c>10.1</c>, hex and octal (<c>010.0.0.1</c> is 8.0.0.1), which would turn a pool such as
    /// <c>10/8</c> into a different network.
    /// </summary>
    private static bool IsDottedQuad(ReadOnlySpan<char> text)
    {
        var parts = 0;
        foreach (var range in text.Split('.'))
        {
            var part = text[range];
            if (++parts > 4 || part.Length is 0 or > 3 || (part.Length > 1 && part[0] == '0'))
            {
                return false;
            }

            var value = 0;
            foreach (var c in part)
            {
                if (c is < '0' or > '9')
                {
                    return false;
                }

                value = (value * 10) + (c - '0');
            }

            if (value > 255)
            {
                return false;
            }
        }

        return parts == 4;
    }

    /// <summary>The address as an unsigned integer (IPv4 in the low 32 bits).</summary>
    public static UInt128 ToUInt128(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        return written == 4
            ? BinaryPrimitives.ReadUInt32BigEndian(bytes)
            : BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    /// <summary>The address for an unsigned integer.</summary>
    public static IPAddress FromUInt128(UInt128 value, bool v6)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (!v6)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)value);
            return new IPAddress(bytes[..4]);
        }

        BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
        return new IPAddress(bytes);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Address}/{PrefixLength}";
}
