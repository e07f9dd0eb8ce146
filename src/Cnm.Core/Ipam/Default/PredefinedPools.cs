using System.Globalization;
using Cnm.Core.Net;

namespace Cnm.Core.Ipam.Default;

/// <summary>
/// The predefined pools of one address space: blocks, each a base split into consecutive subnets,
/// walked by arithmetic so that 10.0.0.0/8 in /24s (65,536 pools) is never materialised.
/// </summary>
/// <remarks>
/// Each block remembers a floor: every candidate below it overlaps some master. Masters being added
/// never invalidate it; <see cref="Released"/> lowers it. So handing out pools one after another costs
/// a binary search each, not a walk over every pool already given. Guarded by the space's lock.
/// </remarks>
internal sealed class PredefinedPools
{
    private readonly Block[] _blocks;

    /// <summary>Per block: offset from its start of the first candidate that may be free.</summary>
    private readonly UInt128[] _floors;

    /// <summary>Per block: every candidate overlaps a master.</summary>
    private readonly bool[] _exhausted;

    private PredefinedPools(Block[] blocks)
    {
        _blocks = blocks;
        _floors = new UInt128[blocks.Length];
        _exhausted = new bool[blocks.Length];
    }

    /// <summary>Validates <paramref name="pools"/> (the option named <paramref name="optionName"/>).</summary>
    /// <exception cref="ArgumentException">An entry is missing, unparsable or cannot be split as asked.</exception>
    public static PredefinedPools Create(IReadOnlyList<DefaultAddressPool>? pools, string optionName)
    {
        if (pools is null)
        {
            throw new ArgumentException(
                $"{optionName} is null; leave it unset for the reference's pools, or set an empty list for none", optionName);
        }

        var blocks = new Block[pools.Count];
        for (var i = 0; i < pools.Count; i++)
        {
            var where = string.Create(CultureInfo.InvariantCulture, $"{optionName}[{i}]");
            var entry = pools[i] ?? throw new ArgumentException($"{where} is null", optionName);
            if (!IpPrefix.TryParse(entry.Base, out var parsed))
            {
                throw new ArgumentException($"{where}: base \"{entry.Base}\" is not a CIDR such as 172.17.0.0/16", optionName);
            }

            // Like the reference (ipamutils splitNetwork), host bits of the base are ignored.
            var network = parsed.Network;
            if (entry.Size <= 0 || entry.Size < network.PrefixLength || entry.Size > network.AddressBits)
            {
                throw new ArgumentException(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"{where}: size {entry.Size} cannot split {network}; it must be between {Math.Max(1, network.PrefixLength)} and {network.AddressBits}"),
                    optionName);
            }

            var (start, end) = MasterPool.RangeOf(network);
            var step = UInt128.One << (network.AddressBits - entry.Size);
            blocks[i] = new Block(start, end, step, entry.Size, network.IsV6);
        }

        return new PredefinedPools(blocks);
    }

    /// <summary>Every predefined pool of a family, in order; lazy.</summary>
    public IEnumerable<IpPrefix> Enumerate(bool v6)
    {
        foreach (var block in _blocks)
        {
            if (block.V6 != v6)
            {
                continue;
            }

            for (var candidate = block.Start; ; candidate += block.Step)
            {
                yield return new IpPrefix(IpPrefix.FromUInt128(candidate, v6), block.Size);
                if (candidate == block.LastCandidate)
                {
                    break;
                }
            }
        }
    }

    /// <summary>
    /// First-fit (docs/decisions.md "default IPAM pools", as newer Docker; the reference rotates): the first
    /// predefined pool of the family that neither equals nor overlaps any master in <paramref name="masters"/>.
    /// </summary>
    public IpPrefix? FindFree(bool v6, MasterPoolList masters)
    {
        for (var b = 0; b < _blocks.Length; b++)
        {
            var block = _blocks[b];
            if (block.V6 != v6 || _exhausted[b])
            {
                continue;
            }

            if (FindFree(block, _floors[b], masters) is { } free)
            {
                _floors[b] = free - block.Start;
                return new IpPrefix(IpPrefix.FromUInt128(free, v6), block.Size);
            }

            _exhausted[b] = true;
        }

        return null;
    }

    /// <summary>A master left the space: candidates it covered may be free again.</summary>
    public void Released(MasterPool master)
    {
        for (var b = 0; b < _blocks.Length; b++)
        {
            var block = _blocks[b];
            if (block.V6 != master.IsV6 || master.End < block.Start || master.Start > block.End)
            {
                continue;
            }

            var offset = master.Start <= block.Start ? UInt128.Zero : master.Start - block.Start;
            offset &= ~(block.Step - 1);
            _exhausted[b] = false;
            _floors[b] = UInt128.Min(_floors[b], offset);
        }
    }

    private static UInt128? FindFree(Block block, UInt128 floor, MasterPoolList masters)
    {
        // One pass over the masters from the first that could touch the block: each overlapping
        // master moves the candidate past its end, so the walk is linear in the masters, with no
        // step per candidate (a /16 master inside 10.0.0.0/8 is one step, not 256).
        var candidate = block.Start + floor;
        var i = masters.IndexOfFirstEndingAtOrAfter(candidate);
        while (true)
        {
            if (i == masters.Count || masters[i].Start > candidate + (block.Step - 1))
            {
                return candidate;
            }

            var hit = masters[i];
            if (hit.End >= block.End)
            {
                break;
            }

            var offset = hit.End + 1 - block.Start;
            var aligned = offset & ~(block.Step - 1);
            if (aligned != offset)
            {
                if (aligned == block.LastCandidate - block.Start)
                {
                    break;
                }

                aligned += block.Step;
            }

            candidate = block.Start + aligned;
            while (i < masters.Count && masters[i].End < candidate)
            {
                i++;
            }
        }

        return null;
    }

    /// <param name="Start">First address of the base.</param>
    /// <param name="End">Last address of the base.</param>
    /// <param name="Step">Addresses per pool.</param>
    /// <param name="Size">Prefix length of each pool.</param>
    /// <param name="V6">Family.</param>
    private readonly record struct Block(UInt128 Start, UInt128 End, UInt128 Step, int Size, bool V6)
    {
        public UInt128 LastCandidate => End - (Step - 1);
    }
}
