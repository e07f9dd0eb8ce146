using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using System.Numerics;

namespace Cnm.Samples.FileIpam;

/// <summary>A CIDR block with offset arithmetic for allocation.</summary>
internal readonly record struct Cidr(IPAddress Network, int Prefix)
{
    public int Bits => Network.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;

    /// <summary>Highest offset that may be handed out (IPv4 keeps the broadcast address).</summary>
    public BigInteger LastUsable => (BigInteger.One << (Bits - Prefix)) - (Network.AddressFamily == AddressFamily.InterNetwork ? 2 : 1);

    public static bool TryParse(string text, [NotNullWhen(true)] out Cidr? cidr)
    {
        cidr = null;
        if (!IPNetwork.TryParse(text, out var network))
        {
            return false;
        }

        cidr = new Cidr(network.BaseAddress, network.PrefixLength);
        return true;
    }

    public bool Overlaps(Cidr other) =>
        Network.AddressFamily == other.Network.AddressFamily
        && (Contains(other.Network) || other.Contains(Network));

    public bool Contains(IPAddress address) => OffsetOf(address) is not null;

    public BigInteger? OffsetOf(IPAddress address)
    {
        if (address.AddressFamily != Network.AddressFamily)
        {
            return null;
        }

        var offset = ToInteger(address) - ToInteger(Network);
        return offset < 0 || offset >= BigInteger.One << (Bits - Prefix) ? null : offset;
    }

    public IPAddress At(BigInteger offset)
    {
        var bytes = (ToInteger(Network) + offset).ToByteArray(isUnsigned: true, isBigEndian: true);
        var full = new byte[Bits / 8];
        bytes.CopyTo(full, full.Length - bytes.Length);
        return new IPAddress(full);
    }

    public override string ToString() => $"{Network}/{Prefix}";

    private static BigInteger ToInteger(IPAddress address) => new(address.GetAddressBytes(), isUnsigned: true, isBigEndian: true);
}
