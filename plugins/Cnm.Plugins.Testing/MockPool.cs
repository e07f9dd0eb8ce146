using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using System.Numerics;

namespace Cnm.Plugins.Testing;

/// <summary>One pool of the default IPAM script: a CIDR and the addresses handed out of it.</summary>
internal sealed class MockPool
{
    private readonly IPAddress _network;
    private readonly int _prefix;
    private readonly HashSet<BigInteger> _used = [];

    private MockPool(IPAddress network, int prefix)
    {
        _network = network;
        _prefix = prefix;
    }

    private int Bits => _network.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;

    public static bool TryParse(string cidr, [NotNullWhen(true)] out MockPool? pool)
    {
        pool = null;
        if (!IPNetwork.TryParse(cidr, out var network))
        {
            return false;
        }

        pool = new MockPool(network.BaseAddress, network.PrefixLength);
        return true;
    }

    public override string ToString() => $"{_network}/{_prefix}";

    /// <summary>The requested address, or the first free one, with the pool's mask; null (and why) when none.</summary>
    public string? Allocate(string requested, out string? problem)
    {
        problem = null;
        var size = BigInteger.One << (Bits - _prefix);
        var lastUsable = _network.AddressFamily == AddressFamily.InterNetwork ? size - 2 : size - 1; // IPv4 keeps broadcast
        BigInteger offset;
        if (requested.Length > 0)
        {
            if (!IPAddress.TryParse(requested, out var address) || Offset(address) is not { } wanted || wanted < 1 || wanted > lastUsable)
            {
                problem = $"address {requested} is not in pool {this}";
                return null;
            }

            if (!_used.Add(wanted))
            {
                problem = $"address {requested} is already allocated";
                return null;
            }

            offset = wanted;
        }
        else
        {
            offset = 1;
            while (offset <= lastUsable && _used.Contains(offset))
            {
                offset++;
            }

            if (offset > lastUsable)
            {
                problem = $"no free address in pool {this}";
                return null;
            }

            _used.Add(offset);
        }

        return $"{At(offset)}/{_prefix}";
    }

    public void Release(string address)
    {
        if (IPAddress.TryParse(address, out var ip) && Offset(ip) is { } offset)
        {
            _used.Remove(offset);
        }
    }

    private BigInteger? Offset(IPAddress address)
    {
        if (address.AddressFamily != _network.AddressFamily)
        {
            return null;
        }

        var value = ToInteger(address) - ToInteger(_network);
        return value < 0 || value >= BigInteger.One << (Bits - _prefix) ? null : value;
    }

    private IPAddress At(BigInteger offset)
    {
        var bytes = (ToInteger(_network) + offset).ToByteArray(isUnsigned: true, isBigEndian: true);
        var full = new byte[Bits / 8];
        bytes.CopyTo(full, full.Length - bytes.Length);
        return new IPAddress(full);
    }

    private static BigInteger ToInteger(IPAddress address) => new(address.GetAddressBytes(), isUnsigned: true, isBigEndian: true);
}
