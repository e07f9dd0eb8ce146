using System.Globalization;
using System.Net;
using System.Text;
using Cnm.Core.Cluster;
using Cnm.Store.Etcd;
using Cnm.Store.Tests.Etcd;

namespace Cnm.Store.Tests.Cluster;

/// <summary>
/// The child process of <see cref="KilledNodeTests"/>: a cluster node that registers, starts an allocation (intent
/// written, two addresses claimed), prints "claimed A1 A2" and then waits, in the middle of its operation, to be
/// killed with SIGKILL. Run as <c>dotnet Cnm.Store.Tests.dll cluster-node ENDPOINTS PREFIX NAME ADDRESS TTL-SECONDS</c>.
/// </summary>
internal static class KilledNode
{
    public const string Pool = "killed-pool";

    public static async Task<int> RunAsync(string endpoints, string prefix, string name, string address, int ttlSeconds)
    {
        var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true };
        var store = await EtcdKeyValueStore.ConnectAsync(EtcdNodeFixture.For(endpoints, prefix: prefix), CancellationToken.None).ConfigureAwait(false);
        var membership = await ClusterMembership.StartAsync(store,
            new ClusterMembershipOptions { NodeName = name, AdvertiseAddress = address, LeaseTtl = TimeSpan.FromSeconds(ttlSeconds) },
            (_, _, _) => Task.CompletedTask, null, CancellationToken.None).ConfigureAwait(false);
        var claims = new GlobalAddressClaims(store, membership.Journal);
        var intent = await membership.Journal.BeginAsync("endpoint-create", "endpoints/" + name + "-ep", CancellationToken.None).ConfigureAwait(false);
        var first = await claims.ClaimNextAsync(intent, Pool, IPNetwork.Parse("10.30.0.0/24"), CancellationToken.None).ConfigureAwait(false);
        var second = await claims.ClaimNextAsync(intent, Pool, IPNetwork.Parse("10.30.0.0/24"), CancellationToken.None).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"claimed {first} {second}")).ConfigureAwait(false);
        await Task.Delay(Timeout.Infinite).ConfigureAwait(false);
        return 0;
    }
}
