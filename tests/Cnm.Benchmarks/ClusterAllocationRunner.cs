using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Cnm.Core.Cluster;
using Cnm.Core.Store;
using Cnm.Store.Etcd;
using Cnm.Testing;

namespace Cnm.Benchmarks;

/// <summary>
/// <c>cluster-alloc [per-node] [workers-per-node] [rounds]</c>: two "nodes" (two etcd clients, each on its own member
/// of a 3-member cluster on local disk, each with its own intent journal) allocate addresses from one shared pool at
/// the same time. One allocation is the full global path: write the intent, claim the lowest free address by
/// compare-and-set, complete (owner key written, intent deleted). Prints allocations per second and the conflict
/// retry rate (claims that lost a race and were tried again, per address claimed), and checks every address is distinct.
/// </summary>
internal static class ClusterAllocationRunner
{
    public static async Task<int> RunAsync(string[] args)
    {
        var perNode = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100;
        var workers = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1;
        var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
        var directory = Directory.CreateDirectory(Path.Combine("/var/tmp", "cnm-cluster-bench-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        try
        {
            using var etcd = await EtcdCluster.StartOnDiskAsync(directory, 3).ConfigureAwait(false);
            var prefix = "/cnm-bench/";
            await using var a = await EtcdKeyValueStore.ConnectAsync(new EtcdStoreOptions { Endpoints = EtcdCluster.EndpointsOf([etcd.Members[0]]), Prefix = prefix }, CancellationToken.None).ConfigureAwait(false);
            await using var b = await EtcdKeyValueStore.ConnectAsync(new EtcdStoreOptions { Endpoints = EtcdCluster.EndpointsOf([etcd.Members[2]]), Prefix = prefix }, CancellationToken.None).ConfigureAwait(false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cluster-alloc: 2 nodes x {perNode} allocations, {workers} worker(s) per node, 3-member etcd, {rounds} round(s) after 1 warm-up"));
            for (var round = 0; round <= rounds; round++)
            {
                var pool = "bench-" + round.ToString(CultureInfo.InvariantCulture);
                var nodeA = new GlobalAddressClaims(a, new GlobalIntentJournal(a, "node-a"));
                var nodeB = new GlobalAddressClaims(b, new GlobalIntentJournal(b, "node-b"));
                var clock = Stopwatch.StartNew();
                var got = await Task.WhenAll(
                    AllocateAsync(a, nodeA, "node-a", pool, perNode, workers),
                    AllocateAsync(b, nodeB, "node-b", pool, perNode, workers)).ConfigureAwait(false);
                clock.Stop();
                var all = got.SelectMany(x => x).ToList();
                var distinct = all.Distinct(StringComparer.Ordinal).Count();
                var stored = (await a.ListAsync(ClusterKeys.AddressesOf(pool), CancellationToken.None).ConfigureAwait(false)).Entries.Count;
                var retries = nodeA.ConflictRetries + nodeB.ConflictRetries;
                var claims = nodeA.Claims + nodeB.Claims;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{(round == 0 ? "warm-up" : "round " + round)}: {all.Count} allocations in {clock.Elapsed.TotalSeconds:F2} s = {all.Count / clock.Elapsed.TotalSeconds:F0}/s; conflict retries {retries} ({100.0 * retries / claims:F1}% of {claims} claims; A {nodeA.ConflictRetries}, B {nodeB.ConflictRetries}); distinct {distinct}, claim keys in etcd {stored}"));
                if (distinct != all.Count || stored != all.Count)
                {
                    Console.Error.WriteLine("an address was handed out twice or lost");
                    return 1;
                }
            }

            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<List<string>> AllocateAsync(IKeyValueStore store, GlobalAddressClaims claims, string node, string pool, int count, int workers)
    {
        var journal = new GlobalIntentJournal(store, node);
        var network = IPNetwork.Parse("10.128.0.0/16");
        var next = -1;
        var results = await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            var mine = new List<string>();
            while (Interlocked.Increment(ref next) < count)
            {
                var owner = $"bench/{pool}/endpoints/{node}-{Guid.NewGuid():N}";
                var intent = await journal.BeginAsync("endpoint-create", owner, CancellationToken.None).ConfigureAwait(false);
                var address = await claims.ClaimNextAsync(intent, pool, network, CancellationToken.None).ConfigureAwait(false);
                await journal.CompleteAsync(intent, new StoreTransaction().Put(owner, Encoding.UTF8.GetBytes(address.ToString())), CancellationToken.None).ConfigureAwait(false);
                mine.Add(address.ToString());
            }

            return mine;
        }))).ConfigureAwait(false);
        return [.. results.SelectMany(r => r)];
    }
}
