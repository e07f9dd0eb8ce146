using System.Text;
using System.Text.Json;

namespace Cnm.Daemon.Tests;

/// <summary>A 3-member etcd cluster on loopback and two cnmd nodes, A and B, on it (spec/cluster.md).</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    /// <summary>Where the addresses taken in the cluster's GlobalDefault space are (spec/cluster.md, "Key layout").</summary>
    public const string AddressesPrefix = "cnm/v1/ipam/GlobalDefault/addresses/";

    private static readonly HttpClient EtcdHttp = new() { Timeout = TimeSpan.FromSeconds(10) };

    public EtcdCluster Etcd { get; private set; } = null!;

    public ClusterNode A { get; private set; } = null!;

    public ClusterNode B { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Etcd = await EtcdCluster.StartAsync(3);
        A = await ClusterNode.StartAsync("node-a", Etcd.Endpoints);
        B = await ClusterNode.StartAsync("node-b", Etcd.Endpoints);
    }

    /// <summary>
    /// The Cnm keys under <paramref name="prefix"/> as etcd itself holds them (its JSON gateway, any running member), so that
    /// the check does not go through Cnm's own etcd client. cnmd's etcd prefix is the default <c>/cnm/</c>.
    /// </summary>
    public Task<List<string>> EtcdKeysAsync(string prefix) => EtcdKeysAsync(Etcd, prefix);

    /// <summary>As the instance method, on any <paramref name="etcd"/> cluster.</summary>
    public static async Task<List<string>> EtcdKeysAsync(EtcdCluster etcd, string prefix)
    {
        var key = "/cnm/kv/" + prefix;
        var end = key[..^1] + (char)(key[^1] + 1);
        var body = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["key"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(key)),
            ["range_end"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(end)),
            ["keys_only"] = true,
        });
        foreach (var member in etcd.Members.Where(m => m.IsRunning))
        {
            try
            {
                using var content = new StringContent(body, Encoding.UTF8, "application/json");
                using var response = await EtcdHttp.PostAsync(new Uri($"http://127.0.0.1:{member.ClientPort}/v3/kv/range"), content);
                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                return !json.RootElement.TryGetProperty("kvs", out var kvs) ? []
                    : [.. kvs.EnumerateArray().Select(kv => Encoding.UTF8.GetString(Convert.FromBase64String(kv.GetProperty("key").GetString()!))[8..])];
            }
            catch (HttpRequestException)
            {
                // Try the next member.
            }
        }

        throw new InvalidOperationException("no etcd member answered the range request");
    }

    public async Task DisposeAsync()
    {
        if (B is not null)
        {
            await B.DisposeAsync();
        }

        if (A is not null)
        {
            await A.DisposeAsync();
        }

        Etcd?.Dispose();
    }
}
