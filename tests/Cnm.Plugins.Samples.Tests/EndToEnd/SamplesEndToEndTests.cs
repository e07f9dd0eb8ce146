using System.Runtime.Versioning;
using Cnm.Core.Net;

namespace Cnm.Plugins.Samples.Tests.EndToEnd;

/// <summary>
/// Issue 13's end-to-end acceptance: cnmd (Linux sandboxes in a host namespace the test makes) with the two samples as
/// its plugins. Through the docker CLI a network uses the bridge sample and the file IPAM; two sandboxes connect and
/// ping each other (ping run inside their namespaces); the IPAM is killed and restarted and its allocations are still
/// there; then everything is deleted and nothing is left: no link, no namespace, no file, no socket.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class SamplesEndToEndTests
{
    [Fact]
    public async Task DockerCli_BridgeSampleWithFileIpam_PingRestartAndCleanUp()
    {
        await using var e2e = await SamplesHost.StartAsync();

        var network = await e2e.DockerAsync("network", "create", "-d", SamplesHost.Network, "--ipam-driver", SamplesHost.Ipam,
            "--subnet", "10.231.7.0/24", "e2e-samples");
        var bridge = e2e.Host.GetLink("smb" + network[..12]);
        Assert.True(bridge.IsUp);
        Assert.Contains(e2e.Host.GetAddresses(index: bridge.Index), a => a.Prefix == IpPrefix.Parse("10.231.7.1/24"));

        var (aId, aKey) = await e2e.SandboxAsync("samplebox-a");
        var (bId, bKey) = await e2e.SandboxAsync("samplebox-b");
        await e2e.DockerAsync("network", "connect", "e2e-samples", "samplebox-a");
        await e2e.DockerAsync("network", "connect", "e2e-samples", "samplebox-b");
        var a = await e2e.AddressAsync(aId, network);
        var b = await e2e.AddressAsync(bId, network);
        Assert.NotEqual(a, b);

        var aToB = await SamplesHost.PingAsync(aKey, IpPrefix.Parse(b).Address.ToString());
        Assert.True(aToB.Ok, $"sandbox a could not ping b at {b}:\n{aToB.Output}");
        var bToA = await SamplesHost.PingAsync(bKey, IpPrefix.Parse(a).Address.ToString());
        Assert.True(bToA.Ok, $"sandbox b could not ping a at {a}:\n{bToA.Output}");
        var bToGateway = await SamplesHost.PingAsync(bKey, "10.231.7.1");
        Assert.True(bToGateway.Ok, $"sandbox b could not ping the gateway on the bridge:\n{bToGateway.Output}");

        // The IPAM crashes and comes back: its pool and both allocations are still there, so a third sandbox gets a
        // new address, not one of theirs (a fresh IPAM would not even know the pool).
        e2e.IpamPlugin.Kill();
        e2e.IpamPlugin.Dispose();
        await e2e.StartIpamAsync();
        var (cId, cKey) = await e2e.SandboxAsync("samplebox-c");
        await e2e.DockerAsync("network", "connect", "e2e-samples", "samplebox-c");
        var c = await e2e.AddressAsync(cId, network);
        Assert.DoesNotContain(c, new[] { a, b, "10.231.7.1/24" });
        var cToA = await SamplesHost.PingAsync(cKey, IpPrefix.Parse(a).Address.ToString());
        Assert.True(cToA.Ok, $"sandbox c could not ping a at {a}:\n{cToA.Output}");

        // Delete everything.
        foreach (var box in new[] { "samplebox-a", "samplebox-b", "samplebox-c" })
        {
            await e2e.DockerAsync("network", "disconnect", "e2e-samples", box);
        }

        foreach (var id in new[] { aId, bId, cId })
        {
            await e2e.DeleteSandboxAsync(id);
        }

        await e2e.DockerAsync("network", "rm", "e2e-samples");

        Assert.Empty(e2e.HostLinks()); // the plugin deleted its bridge and veths
        Assert.Empty(e2e.Mounts()); // no sandbox namespace is left
        Assert.Empty(e2e.LeftFiles());
        Assert.False(File.Exists(aKey) || File.Exists(bKey) || File.Exists(cKey));
        var state = await File.ReadAllTextAsync(e2e.IpamState);
        Assert.DoesNotContain("10.231.7.", state, StringComparison.Ordinal); // pool and addresses released
        Assert.Equal(0, await e2e.Daemon.TerminateAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, await e2e.BridgePlugin.TerminateAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, await e2e.IpamPlugin.TerminateAsync(TimeSpan.FromSeconds(30)));
        Assert.Empty(Directory.GetFileSystemEntries(e2e.PluginDir)); // both removed their sockets
    }
}
