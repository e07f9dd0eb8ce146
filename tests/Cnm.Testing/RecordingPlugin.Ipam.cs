using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cnm.Protocol;

namespace Cnm.Testing;

public sealed partial class RecordingPlugin
{
    private readonly Dictionary<string, HeldPool> _pools = new(StringComparer.Ordinal);

    /// <summary><c>LocalDefaultAddressSpace</c> of <c>IpamDriver.GetDefaultAddressSpaces</c>.</summary>
    public string LocalAddressSpace { get; set; } = "RecordingLocal";

    /// <summary><c>GlobalDefaultAddressSpace</c> of <c>IpamDriver.GetDefaultAddressSpaces</c>.</summary>
    public string GlobalAddressSpace { get; set; } = "RecordingGlobal";

    /// <summary><c>RequiresMACAddress</c> of <c>IpamDriver.GetCapabilities</c>.</summary>
    public bool RequiresMacAddress { get; set; }

    /// <summary>Pools handed out for IPv4 requests without a pool, first free (not overlapping a held pool) first.</summary>
    public IList<string> IPv4PoolList { get; } = [.. Enumerable.Range(200, 50).Select(i => $"10.{i}.0.0/24")];

    /// <summary>Pools handed out for IPv6 requests without a pool.</summary>
    public IList<string> IPv6PoolList { get; } = [.. Enumerable.Range(0, 50).Select(i => $"fd00:200:{i:x}::/64")];

    /// <summary>Pools the plugin holds: pool id → pool (CIDR).</summary>
    public IReadOnlyDictionary<string, string> Pools
    {
        get
        {
            lock (_lock)
            {
                return _pools.Values.ToDictionary(p => p.Id, p => p.Pool.ToString(), StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Addresses the plugin holds in any pool, without mask, sorted as text.</summary>
    public IReadOnlyList<string> Addresses
    {
        get
        {
            lock (_lock)
            {
                return [.. _pools.Values.SelectMany(p => p.Addresses.Select(o => p.Pool.At(o).ToString())).Order(StringComparer.Ordinal)];
            }
        }
    }

    private PluginReply IpamCapabilities() =>
        Json(new JsonObject { ["RequiresMACAddress"] = RequiresMacAddress, ["RequiresRequestReplay"] = false });

    private PluginReply DefaultAddressSpaces() =>
        Json(new JsonObject { ["LocalDefaultAddressSpace"] = LocalAddressSpace, ["GlobalDefaultAddressSpace"] = GlobalAddressSpace });

    private PluginReply RequestPool(JsonElement body)
    {
        const string method = PluginMethods.Ipam.RequestPool;
        var space = Text(body, "AddressSpace");
        var requested = Text(body, "Pool");
        var subPoolText = Text(body, "SubPool");
        var v6 = body.TryGetProperty("V6", out var flag) && flag.ValueKind == JsonValueKind.True;
        if (space.Length == 0)
        {
            return Failure(method, "no address space");
        }

        PluginCidr pool;
        if (requested.Length == 0)
        {
            if (subPoolText.Length > 0)
            {
                return Failure(method, "a sub-pool needs a pool");
            }

            var candidates = (v6 ? IPv6PoolList : IPv4PoolList).Select(c => PluginCidr.TryParse(c, out var p) ? p : default);
            var free = candidates.Where(c => c.Address is not null && !_pools.Values.Any(h => h.Pool.Overlaps(c))).ToList();
            if (free.Count == 0)
            {
                return Failure(method, $"no free {(v6 ? "IPv6" : "IPv4")} pool left");
            }

            pool = free[0].Network;
        }
        else if (!PluginCidr.TryParse(requested, out pool))
        {
            return Failure(method, $"pool \"{requested}\" is not a CIDR");
        }
        else
        {
            pool = pool.Network;
            if (_pools.Values.FirstOrDefault(h => h.Pool.Overlaps(pool)) is { } taken)
            {
                return Failure(method, $"pool {pool} overlaps pool {taken.Pool} ({taken.Id})");
            }
        }

        PluginCidr? subPool = null;
        if (subPoolText.Length > 0)
        {
            if (!PluginCidr.TryParse(subPoolText, out var parsed) || !pool.Contains(parsed.Address) || parsed.PrefixLength < pool.PrefixLength)
            {
                return Failure(method, $"sub-pool \"{subPoolText}\" is not a CIDR inside {pool}");
            }

            subPool = parsed.Network;
        }

        var id = $"{space}/{pool}{(subPool is { } s ? $"/{s}" : "")}";
        _pools[id] = new HeldPool(id, pool, subPool);
        return Json(new JsonObject { ["PoolID"] = id, ["Pool"] = pool.ToString(), ["Data"] = new JsonObject() });
    }

    private PluginReply ReleasePool(JsonElement body)
    {
        var id = Text(body, "PoolID");
        return _pools.Remove(id) ? Empty : Failure(PluginMethods.Ipam.ReleasePool, $"no pool \"{id}\"");
    }

    private PluginReply RequestAddress(JsonElement body)
    {
        const string method = PluginMethods.Ipam.RequestAddress;
        var id = Text(body, "PoolID");
        if (!_pools.TryGetValue(id, out var pool))
        {
            return Failure(method, $"no pool \"{id}\"");
        }

        var preferred = Text(body, "Address");
        UInt128 offset;
        if (preferred.Length > 0)
        {
            if (!IPAddress.TryParse(preferred, out var address) || !pool.Pool.Contains(address))
            {
                return Failure(method, $"address \"{preferred}\" is not in pool {pool.Pool}");
            }

            offset = pool.Pool.OffsetOf(address);
            if (pool.IsReserved(offset) || pool.Addresses.Contains(offset))
            {
                return Failure(method, $"address {preferred} is already in use");
            }
        }
        else if (pool.FirstFree() is { } free)
        {
            offset = free;
        }
        else
        {
            return Failure(method, $"no free address in pool {pool.Pool}");
        }

        pool.Addresses.Add(offset);
        return Json(new JsonObject { ["Address"] = $"{pool.Pool.At(offset)}/{pool.Pool.PrefixLength}", ["Data"] = new JsonObject() });
    }

    private PluginReply ReleaseAddress(JsonElement body)
    {
        var id = Text(body, "PoolID");
        var text = Text(body, "Address");
        if (!_pools.TryGetValue(id, out var pool) || !IPAddress.TryParse(text, out var address) || !pool.Pool.Contains(address))
        {
            return Failure(PluginMethods.Ipam.ReleaseAddress, $"no address \"{text}\" in pool \"{id}\"");
        }

        return pool.Addresses.Remove(pool.Pool.OffsetOf(address))
            ? Empty
            : Failure(PluginMethods.Ipam.ReleaseAddress, $"address {text} is not allocated in pool \"{id}\"");
    }

    private sealed class HeldPool(string id, PluginCidr pool, PluginCidr? subPool)
    {
        public string Id { get; } = id;

        public PluginCidr Pool { get; } = pool;

        public HashSet<UInt128> Addresses { get; } = [];

        /// <summary>The network address, and for IPv4 the broadcast address, are never handed out.</summary>
        public bool IsReserved(UInt128 offset) => offset == 0 || (!Pool.IsV6 && offset == Pool.Size - 1);

        public UInt128? FirstFree()
        {
            var range = subPool ?? Pool;
            var start = Pool.OffsetOf(range.Network.Address);
            var end = start + range.Size; // exclusive
            for (var offset = start; offset < end && offset - start < 1_000_000; offset++)
            {
                if (!IsReserved(offset) && !Addresses.Contains(offset))
                {
                    return offset;
                }
            }

            return null;
        }
    }
}
