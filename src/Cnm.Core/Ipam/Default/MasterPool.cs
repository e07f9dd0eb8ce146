using Cnm.Core.Net;

namespace Cnm.Core.Ipam.Default;

/// <summary>
/// A reserved master pool: its bitmap of allocated addresses, shared by every sub-pool id of it
/// (docs/reference-host.md §5.6). Guarded by its address space's lock.
/// </summary>
internal sealed class MasterPool
{
    public MasterPool(string id, IpPrefix network)
    {
        Id = id;
        Network = network;
        IsV6 = network.IsV6;
        (Start, End) = RangeOf(network);

        // Ordinals are ulong: a pool of 64 host bits or more is capped at 2^64 - 1 ordinals, exactly as
        // the reference's bitmask is (docs/reference-host.md §5.6), so only the first 2^64 - 1 addresses of such
        // a pool are usable. Ordinal 0 (network) and, for IPv4, the last ordinal (broadcast) are
        // reserved by keeping them out of [First, Last] rather than by setting bits, so an empty pool
        // of any size costs no bitmap memory.
        OrdinalCount = network.HostBits >= 64 ? ulong.MaxValue : 1UL << network.HostBits;
        HasBroadcast = !IsV6;
        var reserved = HasBroadcast ? 2UL : 1UL;
        if (OrdinalCount > reserved)
        {
            First = 1;
            Last = HasBroadcast ? OrdinalCount - 2 : OrdinalCount - 1;
            Bitmap = new OrdinalBitmap(First, Last);
        }
    }

    /// <summary>The pool id of the master itself, <c>&lt;space&gt;/&lt;network&gt;</c>.</summary>
    public string Id { get; }

    /// <summary>The masked network.</summary>
    public IpPrefix Network { get; }

    public bool IsV6 { get; }

    /// <summary>First address of the network as an integer.</summary>
    public UInt128 Start { get; }

    /// <summary>Last address of the network as an integer.</summary>
    public UInt128 End { get; }

    /// <summary>Ordinals the bitmap could address (2^host bits, capped at 2^64 - 1).</summary>
    public ulong OrdinalCount { get; }

    public bool HasBroadcast { get; }

    /// <summary>Lowest allocatable ordinal; meaningless when <see cref="Bitmap"/> is null.</summary>
    public ulong First { get; }

    /// <summary>Highest allocatable ordinal; meaningless when <see cref="Bitmap"/> is null.</summary>
    public ulong Last { get; }

    /// <summary>Allocated ordinals; null for a pool with no allocatable address (IPv4 /31, /32; IPv6 /128).</summary>
    public OrdinalBitmap? Bitmap { get; }

    /// <summary>Allocatable addresses.</summary>
    public ulong Total => Bitmap is null ? 0 : Last - First + 1;

    /// <summary>True while a direct RequestPool of this master holds it.</summary>
    public bool HeldDirectly { get; set; }

    /// <summary>Sub-pool ids that hold this master as their parent.</summary>
    public int SubPools { get; set; }

    /// <summary>Holders; the master is removed when this reaches zero.</summary>
    public int References => (HeldDirectly ? 1 : 0) + SubPools;

    /// <summary>Where a serial search starts: one past the last address handed out without preference.</summary>
    public ulong Cursor { get; set; }

    /// <summary>First and last address of <paramref name="network"/> (host bits ignored) as integers.</summary>
    public static (UInt128 Start, UInt128 End) RangeOf(IpPrefix network)
    {
        var start = IpPrefix.ToUInt128(network.Network.Address);
        return (start, start + (network.HostBits == 0 ? UInt128.Zero : UInt128.MaxValue >> (128 - network.HostBits)));
    }

    /// <summary>True for the network address and the IPv4 broadcast address.</summary>
    public bool IsReserved(UInt128 ordinal) => ordinal == 0 || (HasBroadcast && ordinal == OrdinalCount - 1);

    public IpPrefix AddressAt(ulong ordinal) =>
        new(IpPrefix.FromUInt128(Start + ordinal, IsV6), Network.PrefixLength);
}
