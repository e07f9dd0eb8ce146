using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text.Json;
using Cnm.Core.Net;
using Cnm.Linux.Namespaces;
using Cnm.Linux.Netlink;
using Cnm.Protocol;

namespace Cnm.Daemon.Tests.Linux;

/// <summary>
/// Issue 12 acceptance, the default gateway network: a remote plugin whose Join gives no gateway. Through cnmd (its own
/// nftables firewall, in the test's host namespace) and the docker CLI, the sandbox gets an <c>eth1</c> on
/// <c>cnm_gwbridge</c> with an address of its subnet and its default route via its gateway, reaches a server in an
/// "outside" namespace (masqueraded to the host's address), shows its published port in the container inspect, and the
/// plugin never hears ProgramExternalConnectivity or RevokeExternalConnectivity. At the end the gateway endpoint is
/// gone with the disconnect, <c>docker network rm cnm_gwbridge</c> removes the bridge and its rules, and nothing is left
/// (links, namespaces, mounts: checked on dispose). Needs root.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class DefaultGatewayEndToEndTests
{
    private static readonly IPAddress HostAddress = IPAddress.Parse("192.0.2.1");
    private static readonly IPAddress OutsideAddress = IPAddress.Parse("192.0.2.2");

    [Fact]
    public async Task Connect_PluginJoinGivesNoGateway_Eth1OnGwBridgeReachesOutsideAndPluginGetsNoProgram()
    {
        await using var e2e = await LinuxDaemon.StartAsync();
        e2e.JoinEdit = reply => reply.Remove("Gateway");
        var outsideNs = e2e.Layout.Temp.File("ns", "outside");
        using var outside = await NetworkNamespace.CreateAndOpenAsync(outsideNs, CancellationToken.None);
        try
        {
            await RunAsync(e2e, outside, outsideNs);
        }
        catch
        {
            e2e.Failed = true;
            throw;
        }
        finally
        {
            try
            {
                e2e.Host.DeleteLink("gout");
            }
            catch (NetlinkException ex) when (ex.Errno == Errnos.ENODEV)
            {
            }

            NetworkNamespace.Delete(outsideNs);
        }
    }

    private static async Task RunAsync(LinuxDaemon e2e, NetlinkClient outside, string outsideNs)
    {
        using (var handle = NetworkNamespace.Open(outsideNs))
        {
            e2e.Host.CreateVeth("gout", "oeth", handle);
        }

        var hostEnd = e2e.Host.GetLink("gout");
        e2e.Host.AddAddress(hostEnd.Index, new IpPrefix(HostAddress, 24));
        e2e.Host.SetUp(hostEnd.Index);
        var inner = outside.GetLink("oeth");
        outside.AddAddress(inner.Index, new IpPrefix(OutsideAddress, 24));
        outside.SetUp(inner.Index);

        var network = await e2e.NetworkAsync("e2e-nogw", 81);
        var (id, key) = await BridgeEndToEndTests.SandboxWithPortAsync(e2e, "gwbox1", "");
        await e2e.RunDockerAsync("network", "connect", "e2e-nogw", "gwbox1");

        // cnm_gwbridge was made on this first need: a bridge network of the default pools, ICC off, masquerade on.
        using var gwNetwork = JsonDocument.Parse(await e2e.Http.GetStringAsync("/networks/cnm_gwbridge"));
        var gw = gwNetwork.RootElement;
        Assert.Equal("bridge", gw.GetProperty("Driver").GetString());
        var pool = gw.GetProperty("IPAM").GetProperty("Config")[0];
        var subnet = IpPrefix.Parse(pool.GetProperty("Subnet").GetString()!);
        var gateway = IPAddress.Parse(pool.GetProperty("Gateway").GetString()!);
        Assert.Equal("false", gw.GetProperty("Options").GetProperty("com.docker.network.bridge.enable_icc").GetString());
        Assert.Equal("true", gw.GetProperty("Options").GetProperty("com.docker.network.bridge.enable_ip_masquerade").GetString());
        Assert.NotNull(e2e.Host.FindLink("cnm_gwbridge"));

        // Inside the sandbox: eth0 of the plugin, eth1 on cnm_gwbridge with an address of its subnet, the default route via its gateway.
        using (var sandbox = await NetlinkClient.OpenAsync(key, CancellationToken.None))
        {
            var links = sandbox.GetLinks().ToDictionary(l => l.Name, StringComparer.Ordinal);
            Assert.True(links.ContainsKey("eth0") && links.ContainsKey("eth1"), "links: " + string.Join(",", links.Keys));
            var eth1 = links["eth1"];
            Assert.Contains(sandbox.GetAddresses(AddressFamily.InterNetwork), a => a.InterfaceIndex == eth1.Index && subnet.Contains(a.Prefix.Address));
            var route = Assert.Single(sandbox.GetRoutes(AddressFamily.InterNetwork), r => r.IsDefault);
            Assert.Equal(gateway, route.Gateway);
            Assert.Equal(eth1.Index, route.OutputInterfaceIndex);
        }

        // The way out: a server in the outside namespace, reached only through cnm_gwbridge, sees the host's address.
        using var server = await NetnsThread.RunAsync(outsideNs, () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp), CancellationToken.None);
        server.Bind(new IPEndPoint(OutsideAddress, 0));
        server.Listen();
        var port = ((IPEndPoint)server.LocalEndPoint!).Port;
        using var client = await NetnsThread.RunAsync(key, () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp), CancellationToken.None);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            var accepting = server.AcceptAsync(timeout.Token).AsTask();
            await client.ConnectAsync(new IPEndPoint(OutsideAddress, port), timeout.Token);
            using var accepted = await accepting;
            Assert.Equal(HostAddress, ((IPEndPoint)accepted.RemoteEndPoint!).Address.MapToIPv4());
        }

        client.Close();

        // The published port went with the gateway endpoint; the container inspect shows the host port held.
        using (var inspect = JsonDocument.Parse(await e2e.Http.GetStringAsync("/containers/gwbox1/json")))
        {
            var settings = inspect.RootElement.GetProperty("NetworkSettings");
            var binding = Assert.Single(settings.GetProperty("Ports").GetProperty("80/tcp").EnumerateArray());
            Assert.Equal("0.0.0.0", binding.GetProperty("HostIp").GetString());
            Assert.InRange(int.Parse(binding.GetProperty("HostPort").GetString()!, System.Globalization.CultureInfo.InvariantCulture), 1, 65535);
            Assert.True(settings.GetProperty("Networks").TryGetProperty("cnm_gwbridge", out _));
        }

        // The plugin: CreateEndpoint and Join, never Program (nor Revoke) for its endpoint.
        var endpointId = (await e2e.EndpointAsync(id, network)).GetProperty("Id").GetString()!;
        Assert.Empty(e2e.Plugin.CallsTo(PluginMethods.Network.ProgramExternalConnectivity));

        await e2e.RunDockerAsync("network", "disconnect", "e2e-nogw", "gwbox1");
        Assert.Empty(e2e.Plugin.CallsTo(PluginMethods.Network.RevokeExternalConnectivity));
        Assert.Contains(e2e.Plugin.CallsTo(PluginMethods.Network.Leave), c => c.Text("EndpointID") == endpointId);
        using (var endpoints = JsonDocument.Parse(await e2e.Http.GetStringAsync("/cnm/v1/endpoints?network=cnm_gwbridge")))
        {
            Assert.Empty(endpoints.RootElement.EnumerateArray()); // the gateway endpoint went with the last endpoint needing it
        }

        using (var sandbox = await NetlinkClient.OpenAsync(key, CancellationToken.None))
        {
            Assert.Equal(["lo"], sandbox.GetLinks().Select(l => l.Name));
        }

        await BridgeEndToEndTests.DeleteSandboxesAsync(e2e, id);
        await e2e.RunDockerAsync("network", "rm", "e2e-nogw");
        Assert.NotNull(e2e.Host.FindLink("cnm_gwbridge")); // kept, like docker_gwbridge
        await e2e.RunDockerAsync("network", "rm", "cnm_gwbridge");
        Assert.Null(e2e.Host.FindLink("cnm_gwbridge"));
        var ruleset = await NftRulesetAsync(e2e.HostNs);
        Assert.DoesNotContain("cnm_gwbridge", ruleset, StringComparison.Ordinal);
        Assert.DoesNotContain(gw.GetProperty("Id").GetString()![..12], ruleset, StringComparison.Ordinal);
        e2e.Host.DeleteLink(hostEnd.Index);
        Assert.Empty(e2e.HostLinks());
        await e2e.StopDaemonAsync();
    }

    /// <summary>The JSON ruleset of the namespace, from <c>nft</c> run in it.</summary>
    private static async Task<string> NftRulesetAsync(string ns)
    {
        var start = new System.Diagnostics.ProcessStartInfo("nsenter") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--net=" + ns, "nft", "-j", "list", "ruleset" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, "nft list ruleset failed: " + await stderr);
        return await stdout;
    }
}
