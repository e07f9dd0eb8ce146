using System.Text.Json.Serialization;

namespace Cnm.Samples.FileIpam;

/// <summary>Everything the plugin remembers, as stored in its state file.</summary>
internal sealed class IpamState
{
    /// <summary>The pools by PoolID.</summary>
    public Dictionary<string, StoredPool> Pools { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How many pools were ever handed out (names the next default pool).</summary>
    public int PoolsCreated { get; set; }
}

/// <summary>One pool and the addresses allocated in it.</summary>
internal sealed class StoredPool
{
    public string AddressSpace { get; set; } = "";

    public string Pool { get; set; } = "";

    /// <summary>Allocated addresses (no mask) mapped to the MAC address they were asked for ("" when none was given).</summary>
    public Dictionary<string, string> Addresses { get; set; } = new(StringComparer.Ordinal);
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(IpamState))]
internal sealed partial class IpamStateJsonContext : JsonSerializerContext;
