using System.Net;
using BenchmarkDotNet.Attributes;
using Cnm.Core.Ipam;
using Cnm.Core.Ipam.Default;
using Cnm.Core.Net;

namespace Cnm.Benchmarks;

/// <summary>
/// The default IPAM in memory: every host address of a /16 (65,534) requested without preference,
/// then all of them released, each measured per operation. A fresh pool is set up before every
/// iteration, outside the measurement.
/// </summary>
[MemoryDiagnoser]
public class IpamBenchmarks
{
    private const int Hosts = 65_534;
    private static readonly IpPrefix Slash16 = IpPrefix.Parse("172.18.0.0/16");

    private DefaultIpam _ipam = null!;
    private AddressRequest _request = null!;
    private IPAddress[] _allocated = null!;

    [IterationSetup(Target = nameof(Allocate))]
    public void SetupEmptyPool()
    {
        _ipam = new DefaultIpam();
        var pool = _ipam.RequestPoolAsync(new PoolRequest(BuiltInIpams.LocalDefaultSpace, Slash16), CancellationToken.None)
            .GetAwaiter().GetResult();
        _request = new AddressRequest(pool.PoolId);
    }

    [IterationSetup(Target = nameof(Release))]
    public void SetupFullPool()
    {
        SetupEmptyPool();
        _allocated = new IPAddress[Hosts];
        for (var i = 0; i < Hosts; i++)
        {
            _allocated[i] = _ipam.RequestAddressAsync(_request, CancellationToken.None).GetAwaiter().GetResult().Address!.Value.Address;
        }
    }

    [Benchmark(OperationsPerInvoke = Hosts, Description = "RequestAddress (any), /16")]
    public IpPrefix? Allocate()
    {
        IpPrefix? last = null;
        for (var i = 0; i < Hosts; i++)
        {
            last = _ipam.RequestAddressAsync(_request, CancellationToken.None).GetAwaiter().GetResult().Address;
        }

        return last;
    }

    [Benchmark(OperationsPerInvoke = Hosts, Description = "ReleaseAddress, /16")]
    public void Release()
    {
        foreach (var address in _allocated)
        {
            _ipam.ReleaseAddressAsync(_request.PoolId, address, CancellationToken.None).GetAwaiter().GetResult();
        }
    }
}
