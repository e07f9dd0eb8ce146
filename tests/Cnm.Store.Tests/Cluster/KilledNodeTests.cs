using System.Diagnostics;
using Cnm.Core.Cluster;
using Cnm.Core.Control;
using Cnm.Store.Etcd;
using Cnm.Store.Tests.Etcd;

namespace Cnm.Store.Tests.Cluster;

/// <summary>
/// A real kill -9 of a cluster node in the middle of an allocation (spec/cluster-membership.md, "Sweep"): the node is
/// a child process (<see cref="KilledNode"/>); node A, in the test process, hears DiscoverDelete for it once its lease
/// expires, and sweeps it: no address stays claimed and owned by nobody.
/// </summary>
public sealed class KilledNodeTests(EtcdNodeFixture etcd) : IClassFixture<EtcdNodeFixture>
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task KillNine_NodeMidAllocation_OtherNodeHearsDiscoverDeleteAndSweepsItsClaims()
    {
        var prefix = $"/cnm-test/{Guid.NewGuid():N}/";
        var recorder = new DiscoveryRecorder();
        await using var controller = await Controller.CreateAsync(new ControllerOptions(), [recorder]);
        await using var store = await EtcdKeyValueStore.ConnectAsync(EtcdNodeFixture.For(etcd.Cluster.Endpoints, prefix: prefix), CancellationToken.None);
        await using var nodeA = await ClusterMembership.StartAsync(store, controller,
            new ClusterMembershipOptions { NodeName = "node-a", AdvertiseAddress = "10.0.9.1", RetryDelay = TimeSpan.FromMilliseconds(100) }, null, CancellationToken.None);

        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { typeof(KilledNode).Assembly.Location, "cluster-node", etcd.Cluster.Endpoints, prefix, "node-b", "10.0.9.2", "5" })
        {
            info.ArgumentList.Add(argument);
        }

        using var child = Process.Start(info)!;
        try
        {
            using var cts = new CancellationTokenSource(Generous);
            var line = await child.StandardOutput.ReadLineAsync(cts.Token);
            Assert.True(line?.StartsWith("claimed ", StringComparison.Ordinal) == true, $"node B did not claim: {line} {await ReadErrorAsync(child)}");
            await recorder.Global.WaitForAsync("DiscoverNew", "10.0.9.2", Generous);
            Assert.Equal(2, (await store.ListAsync(ClusterKeys.AddressesOf(KilledNode.Pool), CancellationToken.None)).Entries.Count);

            child.Kill(); // SIGKILL to this PID only: no revoke, no clean-up.
            await child.WaitForExitAsync(cts.Token);

            await recorder.Global.WaitForAsync("DiscoverDelete", "10.0.9.2", Generous);
            var deadline = DateTime.UtcNow + Generous;
            while ((await store.ListAsync(ClusterKeys.Intents, CancellationToken.None)).Entries.Count > 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "node B's intent was not swept");
                await Task.Delay(100, cts.Token);
            }

            Assert.Empty((await store.ListAsync(ClusterKeys.AddressesOf(KilledNode.Pool), CancellationToken.None)).Entries);
            Assert.Null(await store.GetAsync("endpoints/node-b-ep", CancellationToken.None));
            Assert.Equal(["node-a"], nodeA.Members.Select(m => m.Name));
        }
        finally
        {
            if (!child.HasExited)
            {
                child.Kill();
            }
        }
    }

    private static async Task<string> ReadErrorAsync(Process child)
    {
        if (!child.HasExited)
        {
            child.Kill();
        }

        return await child.StandardError.ReadToEndAsync();
    }
}
