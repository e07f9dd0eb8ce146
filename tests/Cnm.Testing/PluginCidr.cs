using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Cnm.Testing;

/// <summary>A CIDR for the <see cref="RecordingPlugin"/>'s own IPAM: address arithmetic over UInt128.</summary>
internal readonly record struct PluginCidr(IPAddress Address, int PrefixLength)
{
    public bool IsV6 => Address.AddressFamily == AddressFamily.InterNetworkV6;

    private int Bits => IsV6 ? 128 : 32;

    private UInt128 Mask => PrefixLength == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - PrefixLength) >> (128 - Bits);

    /// <summary>The network form: host bits cleared.</summary>
    public PluginCidr Network => new(FromNumber(ToNumber(Address) & Mask, IsV6), PrefixLength);

    /// <summary>Number of addresses, capped at UInt128.MaxValue.</summary>
    public UInt128 Size => Bits - PrefixLength >= 128 ? UInt128.MaxValue : UInt128.One << (Bits - PrefixLength);

    public static bool TryParse(string? text, out PluginCidr cidr)
    {
        cidr = default;
        var slash = text?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (text is null || slash <= 0 || !IPAddress.TryParse(text.AsSpan(0, slash), out var address)
            || !int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            return false;
        }

        var bits = address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;
        if (length > bits)
        {
            return false;
        }

        cidr = new PluginCidr(address, length);
        return true;
    }

    public bool Contains(IPAddress address) =>
        address.AddressFamily == Address.AddressFamily && (ToNumber(address) & Mask) == (ToNumber(Address) & Mask);

    public bool Overlaps(PluginCidr other) => Contains(other.Address) || other.Contains(Address);

    public UInt128 OffsetOf(IPAddress address) => ToNumber(address) - (ToNumber(Address) & Mask);

    public IPAddress At(UInt128 offset) => FromNumber((ToNumber(Address) & Mask) + offset, IsV6);

    public override string ToString() => $"{Address}/{PrefixLength}";

    private static UInt128 ToNumber(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        UInt128 value = 0;
        foreach (var b in bytes)
        {
            value = (value << 8) | b;
        }

        return value;
    }

    private static IPAddress FromNumber(UInt128 value, bool v6)
    {
        var bytes = new byte[v6 ? 16 : 4];
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            bytes[i] = (byte)(value & 0xFF);
            value >>= 8;
        }

        return new IPAddress(bytes);
    }
}
