using System.Net;
using System.Numerics;
using System.Text.Json;
using Cnm.Plugins.Sdk;
using Cnm.Protocol.Ipam;

namespace Cnm.Samples.FileIpam;

/// <summary>
/// An IPAM that keeps its pools and allocations in one JSON file, written (atomically) before each answer, so a
/// restarted plugin hands out nothing twice. Pools asked for without a CIDR come from 10.210.0.0/16 (/24 each) or
/// fd00:210::/48 (/64 each).
/// </summary>
internal sealed class FileIpamDriver : IpamDriver, IDisposable
{
    /// <summary>The option the host puts the endpoint's MAC address in when <c>RequiresMACAddress</c> is on.</summary>
    public const string MacAddressOption = "com.docker.network.endpoint.macaddress";

    private readonly string _statePath;
    private readonly bool _requiresMacAddress;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly IpamState _state;

    public FileIpamDriver(string statePath, bool requiresMacAddress)
    {
        _statePath = Path.GetFullPath(statePath);
        _requiresMacAddress = requiresMacAddress;
        _state = Load(_statePath);
    }

    public override Task<IpamCapabilitiesResponse> GetCapabilitiesAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new IpamCapabilitiesResponse(RequiresMacAddress: _requiresMacAddress));

    public override async Task<RequestPoolResponse> RequestPoolAsync(RequestPoolRequest request, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(request.SubPool))
        {
            throw new ArgumentException($"sub-pools are not supported (asked for {request.SubPool} in {request.Pool})");
        }

        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Cidr cidr;
            if (string.IsNullOrEmpty(request.Pool))
            {
                cidr = NextDefaultPool(request.AddressSpace, request.V6);
            }
            else if (Cidr.TryParse(request.Pool, out var asked))
            {
                cidr = asked.Value;
                if (InSpace(request.AddressSpace).FirstOrDefault(p => p.Cidr.Overlaps(cidr)) is { Id: not null } taken)
                {
                    throw new InvalidOperationException($"pool {cidr} overlaps pool {taken.Cidr} ({taken.Id})");
                }
            }
            else
            {
                throw new ArgumentException($"\"{request.Pool}\" is not a CIDR pool (like 10.1.0.0/16)");
            }

            var id = $"{request.AddressSpace}/{cidr}";
            _state.Pools[id] = new StoredPool { AddressSpace = request.AddressSpace, Pool = cidr.ToString() };
            _state.PoolsCreated++;
            await SaveAsync(cancellationToken).ConfigureAwait(false);
            return new RequestPoolResponse(id, cidr.ToString(), new Dictionary<string, string>());
        }
        finally
        {
            _lock.Release();
        }
    }

    public override async Task ReleasePoolAsync(ReleasePoolRequest request, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_state.Pools.Remove(request.PoolId))
            {
                await SaveAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    public override async Task<RequestAddressResponse> RequestAddressAsync(RequestAddressRequest request, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var pool = Pool(request.PoolId);
            var cidr = Parse(pool.Pool);
            BigInteger offset;
            if (!string.IsNullOrEmpty(request.Address))
            {
                if (!IPAddress.TryParse(request.Address, out var wanted) || cidr.OffsetOf(wanted) is not { } at
                    || at < 1 || at > cidr.LastUsable)
                {
                    throw new ArgumentException($"address {request.Address} is not usable in pool {cidr}");
                }

                if (pool.Addresses.ContainsKey(wanted.ToString()))
                {
                    throw new InvalidOperationException($"address {wanted} is already allocated in pool {cidr}");
                }

                offset = at;
            }
            else
            {
                offset = 1;
                while (offset <= cidr.LastUsable && pool.Addresses.ContainsKey(cidr.At(offset).ToString()))
                {
                    offset++;
                }

                if (offset > cidr.LastUsable)
                {
                    throw new InvalidOperationException($"no free address left in pool {cidr}");
                }
            }

            var address = cidr.At(offset).ToString();
            pool.Addresses[address] = request.Options?.GetValueOrDefault(MacAddressOption) ?? "";
            await SaveAsync(cancellationToken).ConfigureAwait(false);
            return new RequestAddressResponse($"{address}/{cidr.Prefix}", new Dictionary<string, string>());
        }
        finally
        {
            _lock.Release();
        }
    }

    public override async Task ReleaseAddressAsync(ReleaseAddressRequest request, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var key = IPAddress.TryParse(request.Address, out var ip) ? ip.ToString() : request.Address;
            if (_state.Pools.TryGetValue(request.PoolId, out var pool) && pool.Addresses.Remove(key))
            {
                await SaveAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>The MAC address each allocated address was asked for, by pool (for tests and operators).</summary>
    public IReadOnlyDictionary<string, string> AddressesOf(string poolId) => Pool(poolId).Addresses;

    public void Dispose() => _lock.Dispose();

    private StoredPool Pool(string id) =>
        _state.Pools.TryGetValue(id, out var pool) ? pool : throw new KeyNotFoundException($"pool {id} not found");

    private IEnumerable<(string? Id, Cidr Cidr)> InSpace(string space) =>
        _state.Pools.Where(p => p.Value.AddressSpace == space).Select(p => ((string?)p.Key, Parse(p.Value.Pool)));

    private Cidr NextDefaultPool(string space, bool v6)
    {
        for (var n = 0; n < 256; n++)
        {
            var candidate = Parse(v6 ? $"fd00:210:0:{n:x}::/64" : $"10.210.{n}.0/24");
            if (!_state.Pools.Values.Any(p => Parse(p.Pool).Overlaps(candidate)))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"all 256 default {(v6 ? "IPv6" : "IPv4")} pools are in use (address space {space})");
    }

    private static Cidr Parse(string text) =>
        Cidr.TryParse(text, out var cidr) ? cidr.Value : throw new InvalidDataException($"stored pool \"{text}\" is not a CIDR");

    private static IpamState Load(string path)
    {
        if (!File.Exists(path))
        {
            return new IpamState();
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), IpamStateJsonContext.Default.IpamState) ?? new IpamState();
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"the state file {path} is not valid: {ex.Message}", ex);
        }
    }

    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_statePath)!);
        var temporary = _statePath + ".tmp";
        var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None);
        await using (stream.ConfigureAwait(false))
        {
            await JsonSerializer.SerializeAsync(stream, _state, IpamStateJsonContext.Default.IpamState, cancellationToken)
                .ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, _statePath, overwrite: true);
    }
}
