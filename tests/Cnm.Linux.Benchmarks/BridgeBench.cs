using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;
using System.Text.Json;
using Cnm.Core.Drivers;
using Cnm.Core.Model;
using Cnm.Core.Net;
using Cnm.Linux.Drivers;
using Cnm.Linux.Drivers.Bridge;
using Cnm.Linux.Firewall;
using Cnm.Linux.Sandboxes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cnm.Linux.Benchmarks;

/// <summary>
/// The bridge driver's cycles (issue 12), driver and netlink only (the firewall is a no-op here; its cost is the
/// nftables firewall's own benchmark): network create + delete, and endpoint create + join (driver Join and the
/// sandbox's interface move) + leave (interface back) + delete on one network, in a host namespace made here.
/// </summary>
internal static class BridgeBench
{
    public static async Task RunAsync(string hostPath, string execRoot, int n, Action<string, List<double>> report)
    {
        using var host = await HostNetwork.OpenAsync(hostPath, CancellationToken.None);
        using var driver = new BridgeDriver(host, new NoFirewall(), "", NullLogger.Instance);
        var networks = new List<double>();
        for (var i = -10; i < n; i++)
        {
            var id = $"{i + 10:x12}".PadRight(64, 'c');
            var sw = Stopwatch.StartNew();
            await driver.CreateNetworkAsync(Args(id), CancellationToken.None);
            await driver.DeleteNetworkAsync(id, CancellationToken.None);
            if (i >= 0)
            {
                networks.Add(sw.Elapsed.TotalMilliseconds);
            }
        }

        report("bridge network create + delete", networks);

        using var provider = new LinuxSandboxProvider(new LinuxSandboxOptions { ExecRoot = execRoot, HostNetnsPath = hostPath });
        var networkId = new string('d', 64);
        await driver.CreateNetworkAsync(Args(networkId), CancellationToken.None);
        var key = await provider.CreateAsync(new string('e', 64), new SandboxCreateOptions { ContainerId = "bench" }, CancellationToken.None);
        var cycles = new List<double>();
        for (var i = -10; i < n; i++)
        {
            var eid = $"{i + 10:x12}".PadRight(64, 'f');
            var address = IpPrefix.Parse("172.31.0.2/24");
            var slot = new Slot(address);
            var sw = Stopwatch.StartNew();
            await driver.CreateEndpointAsync(new CreateEndpointArgs(networkId, eid, new Dictionary<string, JsonElement>()), slot, CancellationToken.None);
            var info = new Info();
            await driver.JoinAsync(new JoinArgs(networkId, eid, key, new Dictionary<string, JsonElement>()), info, CancellationToken.None);
            var endpoint = new Endpoint
            {
                Id = eid, Name = "e", NetworkId = networkId, Address = address, MacAddress = slot.MacAddress,
                Options = new EndpointCreateOptions { Name = "e" }, Join = info.Result,
            };
            await provider.AddInterfaceAsync(key, endpoint, info.Result, gateway: true, CancellationToken.None);
            await provider.RemoveInterfaceAsync(key, endpoint, nextGateway: null, CancellationToken.None);
            await driver.LeaveAsync(networkId, eid, CancellationToken.None);
            await driver.DeleteEndpointAsync(networkId, eid, CancellationToken.None);
            if (i >= 0)
            {
                cycles.Add(sw.Elapsed.TotalMilliseconds);
            }
        }

        report("endpoint create+join+leave+delete", cycles);
        await provider.DeleteAsync(key, CancellationToken.None);
        await driver.DeleteNetworkAsync(networkId, CancellationToken.None);
    }

    private static CreateNetworkArgs Args(string id) =>
        new(id, new Dictionary<string, JsonElement>(), [new IpamPoolData("local", IpPrefix.Parse("172.31.0.0/24"), IpPrefix.Parse("172.31.0.1/24"), null)], []);

    private sealed class Slot(IpPrefix address) : IEndpointInterface
    {
        public IpPrefix? Address { get; private set; } = address;

        public IpPrefix? AddressIPv6 => null;

        public PhysicalAddress? MacAddress { get; private set; }

        public void SetAddress(IpPrefix value) => Address = value;

        public void SetMacAddress(PhysicalAddress mac) => MacAddress = mac;
    }

    private sealed class Info : IJoinInfo
    {
        public JoinResult Result { get; private set; } = new();

        public void SetInterfaceName(string srcName, string dstPrefix) => Result = Result with { SrcName = srcName, DstPrefix = dstPrefix };

        public void SetGateway(IPAddress gateway) => Result = Result with { Gateway = gateway };

        public void SetGatewayIPv6(IPAddress gateway) => Result = Result with { GatewayIPv6 = gateway };

        public void AddStaticRoute(IpPrefix destination, RouteType type, IPAddress? nextHop)
        {
        }

        public void DisableGatewayService()
        {
        }
    }

    private sealed class NoFirewall : IBridgeFirewall
    {
        public Task ApplyNetworkAsync(BridgeNetworkRules rules, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task RemoveNetworkAsync(string networkId, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task ApplyPortsAsync(string networkId, string endpointId, IReadOnlyList<PortMapping> ports, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task RemovePortsAsync(string networkId, string endpointId, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<IReadOnlySet<string>> ListNetworksAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlySet<string>>(new HashSet<string>());
    }
}
