using System.Net;
using System.Net.NetworkInformation;
using Cnm.Core.Drivers;
using Cnm.Core.Model;
using Cnm.Core.Net;
using Cnm.Linux.Netlink;
using Cnm.Linux.Sandboxes;

namespace Cnm.Linux.Tests.Sandboxes;

/// <summary>
/// A provider whose "host" is a namespace the test made (<c>HostNetnsPath</c>), with its exec root under the
/// test's private directory. Dispose deletes what is left and checks that nothing remains: no sandbox
/// namespace, no exec-root file, no link in the host namespace but loopback, and (via TestNamespaces) no mount.
/// </summary>
internal sealed class SandboxFixture : IAsyncDisposable
{
    private readonly List<string> _keys = [];

    private SandboxFixture(TestNamespaces ns, string hostPath, NetlinkClient host, LinuxSandboxProvider provider)
    {
        Namespaces = ns;
        HostPath = hostPath;
        Host = host;
        Provider = provider;
    }

    public TestNamespaces Namespaces { get; }

    public string HostPath { get; }

    public NetlinkClient Host { get; }

    public LinuxSandboxProvider Provider { get; }

    public string ExecRoot => Path.Combine(Namespaces.Root, "exec");

    public static async Task<SandboxFixture> StartAsync()
    {
        var ns = new TestNamespaces();
        var hostPath = await ns.CreateAsync("host");
        var host = await ns.ClientAsync(hostPath);
        var resolv = Path.Combine(ns.Root, "host-resolv.conf");
        await File.WriteAllTextAsync(resolv, "nameserver 127.0.0.53\nnameserver 192.0.2.53\nsearch example.test\n");
        var provider = new LinuxSandboxProvider(new LinuxSandboxOptions
        {
            ExecRoot = Path.Combine(ns.Root, "exec"), HostNetnsPath = hostPath, HostResolvConfPath = resolv,
        });
        return new SandboxFixture(ns, hostPath, host, provider);
    }

    public async Task<string> CreateSandboxAsync(string id, string? hostname = null)
    {
        var key = await Provider.CreateAsync(id, new SandboxCreateOptions { ContainerId = id, Hostname = hostname }, CancellationToken.None);
        _keys.Add(key);
        return key;
    }

    public Task<NetlinkClient> SandboxClientAsync(string key) => Namespaces.ClientAsync(key);

    public static Endpoint Endpoint(string id, string address, string? mac = null, string? v6 = null, JoinResult? join = null) => new()
    {
        Id = id.PadRight(64, '0'),
        Name = "ep-" + id,
        NetworkId = new string('n', 64),
        Address = IpPrefix.Parse(address),
        AddressIPv6 = v6 is null ? null : IpPrefix.Parse(v6),
        MacAddress = mac is null ? null : PhysicalAddress.Parse(mac),
        Options = new EndpointCreateOptions { Name = "ep-" + id },
        Join = join,
    };

    public static JoinResult Join(string srcName, string? gateway = null, string? gateway6 = null, params StaticRouteInfo[] routes) => new()
    {
        SrcName = srcName,
        DstPrefix = "eth",
        Gateway = gateway is null ? null : IPAddress.Parse(gateway),
        GatewayIPv6 = gateway6 is null ? null : IPAddress.Parse(gateway6),
        StaticRoutes = routes,
    };

    public static StaticRouteInfo Route(string destination, RouteType type, string? nextHop = null) =>
        new(IpPrefix.Parse(destination), type, nextHop is null ? null : IPAddress.Parse(nextHop));

    public async ValueTask DisposeAsync()
    {
        foreach (var key in _keys)
        {
            await Provider.DeleteAsync(key, CancellationToken.None);
        }

        foreach (var link in Host.GetLinks().Where(l => l.Kind is "veth" && l.Name.StartsWith('h')))
        {
            try
            {
                Host.DeleteLink(link.Index); // the test's own host-side veths (named h…)
            }
            catch (NetlinkException ex) when (ex.Errno == Errnos.ENODEV)
            {
                // Its peer was still in a sandbox deleted above: the kernel tears a namespace down in the background
                // after the last reference goes, and deleting the peer there deletes this end too, so it can vanish
                // between the listing and this delete (NetworkNamespaceTests.Delete_WithVethToOtherNamespace_PeerVanishes).
            }
        }

        var leftLinks = Host.GetLinks().Select(l => l.Name).Where(n => n != "lo").ToList();
        var leftKeys = Provider.ListKeys();
        var leftFiles = Directory.Exists(ExecRoot) ? Directory.EnumerateFiles(ExecRoot, "*", SearchOption.AllDirectories).ToList() : [];
        Provider.Dispose();
        File.Delete(Path.Combine(Namespaces.Root, "host-resolv.conf"));
        await Namespaces.DisposeAsync();
        Assert.Empty(leftKeys);
        Assert.Empty(leftFiles);
        Assert.Empty(leftLinks);
    }
}
