using System.Net;
using Cnm.Core.Errors;
using Cnm.Core.Ipam;
using Cnm.Core.Ipam.Default;
using Cnm.Core.Net;
using Cnm.Protocol;
using CsCheck;
using static Cnm.Core.Tests.Ipam.IpamTestExtensions;

namespace Cnm.Core.Tests.Ipam.Default;

/// <summary>
/// Random sequences of requests and releases on a small pool and a sub-pool of it, checked step by
/// step against a model set of taken offsets.
/// </summary>
public sealed class DefaultIpamPropertyTests
{
    private enum Op
    {
        AnyFromMaster,
        AnyFromSubPool,
        SerialFromMaster,
        SerialFromSubPool,
        Specific,
        Release,
    }

    [Theory]
    [InlineData("10.1.0.0/26", "10.1.0.16/28", 63)]
    [InlineData("10.1.0.0/26", "10.1.0.0/27", 63)]
    [InlineData("2001:db8::/122", "2001:db8::20/124", 64)]
    public void Operations_RandomSequences_NeverHandOutAnAddressTwice(string masterCidr, string subCidr, int end)
    {
        var master = P(masterCidr);
        var sub = P(subCidr);
        // The sub-pool's range less the master's reserved network (and broadcast) offsets.
        var subLo = Math.Max(1, (int)master.OffsetOf(sub.Address));
        var subHi = Math.Min(end - 1, (int)master.OffsetOf(sub.Address) + (1 << sub.HostBits) - 1);
        var step = Gen.Select(Gen.Enum<Op>(), Gen.Int[0, (1 << master.HostBits) - 1]);

        step.Array[1, 300].Sample(
            steps =>
            {
                var ipam = new DefaultIpam();
                var masterId = ipam.PoolAsync(masterCidr).GetAwaiter().GetResult().PoolId;
                var subId = ipam.PoolAsync(masterCidr, subCidr).GetAwaiter().GetResult().PoolId;
                var taken = new HashSet<int>();
                var model = new Model(master, taken, end);

                foreach (var (op, offset) in steps)
                {
                    switch (op)
                    {
                        case Op.AnyFromMaster or Op.SerialFromMaster:
                            model.CheckAny(ipam, masterId, 1, model.LastHost, serial: op == Op.SerialFromMaster);
                            break;
                        case Op.AnyFromSubPool or Op.SerialFromSubPool:
                            model.CheckAny(ipam, subId, subLo, subHi, serial: op == Op.SerialFromSubPool);
                            break;
                        case Op.Specific:
                            model.CheckSpecific(ipam, masterId, offset);
                            break;
                        default:
                            model.CheckRelease(ipam, offset % 2 == 0 ? masterId : subId, offset);
                            break;
                    }

                    var usage = ipam.Snapshot().ToDictionary(u => u.PoolId);
                    Assert.Equal((ulong)taken.Count, usage[masterId].Used);
                    Assert.Equal((ulong)model.LastHost, usage[masterId].Total);
                    Assert.Equal(usage[masterId].Total, usage[masterId].Used + usage[masterId].Free);
                    Assert.Equal((ulong)taken.Count(o => o >= subLo && o <= subHi), usage[subId].Used);
                    Assert.Equal((ulong)(subHi - subLo + 1), usage[subId].Total);
                    Assert.Equal(usage[subId].Total, usage[subId].Used + usage[subId].Free);
                }

                ipam.ReleasePoolAsync(subId).GetAwaiter().GetResult();
                ipam.ReleasePoolAsync(masterId).GetAwaiter().GetResult();
                Assert.Empty(ipam.Snapshot());
            },
            iter: 400);
    }

    [Fact]
    public void RequestPoolAsync_RandomPoolSequences_AreFirstFitAndNeverOverlap()
    {
        var options = new DefaultIpamOptions { LocalPools = [new("10.0.0.0/24", 27), new("10.0.1.0/24", 26)] };
        var candidates = new DefaultIpam(options).PredefinedPoolsOf(Local, v6: false).ToList();

        // (kind, third octet 0-2, fourth octet, prefix length 23-30)
        var step = Gen.Select(Gen.Int[0, 2], Gen.Int[0, 2], Gen.Int[0, 255], Gen.Int[23, 30]);
        step.Array[1, 120].Sample(
            steps =>
            {
                var ipam = new DefaultIpam(options);
                var held = new List<PoolAllocation>();
                foreach (var (kind, octet3, octet4, length) in steps)
                {
                    switch (kind)
                    {
                        case 0:
                            var expected = candidates.FirstOrDefault(c => !held.Any(h => h.Pool.Overlaps(c)));
                            var auto = Try(() => ipam.PoolAsync());
                            if (expected == default)
                            {
                                Assert.Equal(ErrorCategory.NotFound, auto.Error?.Category);
                            }
                            else
                            {
                                Assert.Equal(expected, auto.Value?.Pool);
                                held.Add(auto.Value!);
                            }

                            break;
                        case 1:
                            var wanted = P($"10.0.{octet3}.{octet4}/{length}").Network;
                            var explicitPool = Try(() => ipam.PoolAsync(wanted.ToString()));
                            if (held.Any(h => h.Pool.Overlaps(wanted)))
                            {
                                Assert.Equal(ErrorCategory.Conflict, explicitPool.Error?.Category);
                            }
                            else
                            {
                                Assert.Equal(wanted, explicitPool.Value?.Pool);
                                held.Add(explicitPool.Value!);
                            }

                            break;
                        default:
                            if (held.Count > 0)
                            {
                                var victim = held[octet4 % held.Count];
                                ipam.ReleasePoolAsync(victim.PoolId).GetAwaiter().GetResult();
                                held.Remove(victim);
                            }

                            break;
                    }

                    Assert.Equal(held.Select(h => h.PoolId).Order(StringComparer.Ordinal), ipam.Snapshot().Select(u => u.PoolId).Order(StringComparer.Ordinal));
                }
            },
            iter: 300);

        static (PoolAllocation? Value, CnmException? Error) Try(Func<Task<PoolAllocation>> call)
        {
            try
            {
                return (call().GetAwaiter().GetResult(), null);
            }
            catch (CnmException e)
            {
                return (null, e);
            }
        }
    }

    /// <param name="end">First offset past the allocatable ones: the IPv4 broadcast, or the IPv6 pool size.</param>
    private sealed class Model(IpPrefix master, HashSet<int> taken, int end)
    {
        public int LastHost => end - 1;

        public void CheckAny(DefaultIpam ipam, string poolId, int lo, int hi, bool serial)
        {
            var free = Enumerable.Range(lo, hi - lo + 1).Where(o => !taken.Contains(o)).ToList();
            var result = Try(() => ipam.AddressAsync(poolId, serial: serial));
            if (free.Count == 0)
            {
                Assert.Equal(ErrorCategory.Unavailable, result.Error?.Category);
                return;
            }

            Assert.Null(result.Error);
            var offset = OffsetOf(result.Value!);
            Assert.InRange(offset, lo, hi);
            Assert.True(taken.Add(offset), $"offset {offset} handed out twice");
            if (!serial)
            {
                Assert.Equal(free[0], offset);
            }
        }

        public void CheckSpecific(DefaultIpam ipam, string poolId, int offset)
        {
            var result = Try(() => ipam.AddressAsync(poolId, master.AddressAt((UInt128)offset).ToString()));
            if (offset == 0 || offset > LastHost || taken.Contains(offset))
            {
                Assert.Equal(ErrorCategory.Conflict, result.Error?.Category);
                return;
            }

            Assert.Null(result.Error);
            Assert.Equal(offset, OffsetOf(result.Value!));
            taken.Add(offset);
        }

        public void CheckRelease(DefaultIpam ipam, string poolId, int offset)
        {
            var result = Try(async () =>
            {
                await ipam.ReleaseAsync(poolId, master.AddressAt((UInt128)offset).ToString());
                return string.Empty;
            });
            if (offset == 0 || offset > LastHost)
            {
                Assert.Equal(ErrorCategory.InvalidParameter, result.Error?.Category);
            }
            else if (taken.Remove(offset))
            {
                Assert.Null(result.Error);
            }
            else
            {
                Assert.Equal(ErrorCategory.NotFound, result.Error?.Category);
            }
        }

        private int OffsetOf(string cidr)
        {
            var prefix = IpPrefix.Parse(cidr);
            Assert.Equal(master.PrefixLength, prefix.PrefixLength);
            Assert.True(master.Contains(prefix.Address), $"{cidr} is outside {master}");
            return (int)master.OffsetOf(prefix.Address);
        }

        private static (string? Value, CnmException? Error) Try(Func<Task<string?>> call)
        {
            try
            {
                return (call().GetAwaiter().GetResult(), null);
            }
            catch (CnmException e)
            {
                return (null, e);
            }
        }
    }
}
