using System.Text;
using Cnm.Core.Control;
using Cnm.Core.Drivers.BuiltIn;
using Cnm.Core.Errors;
using Cnm.Core.Ipam;
using Cnm.Core.Model;
using Cnm.Core.Persistence;
using Cnm.Core.Store;
using Cnm.Protocol;

namespace Cnm.Core.Tests.Control;

/// <summary>A controller created on a store that holds objects gets them all back, with the built-in IPAM re-seeded.</summary>
public sealed class ControllerRestoreTests
{
    [Fact]
    public async Task CreateAsync_StoreWithObjects_RestoresIdenticalStateAndIpamUsage()
    {
        var store = new FailingStore();
        var first = await ControllerHarness.CreateAsync(store: store);
        await BuildStateAsync(first);
        var before = State(first.Controller);
        var revision = store.Inner.Revision;
        first.Log.Clear();

        var second = await ControllerHarness.CreateAsync(store: store);
        var third = await ControllerHarness.CreateAsync(store: store);

        Assert.Equal(before, State(second.Controller));
        Assert.Equal(before, State(third.Controller));
        Assert.Equal(revision, store.Inner.Revision); // restore writes nothing
        Assert.Empty(second.Log.Calls); // no driver or non-built-in IPAM call at start-up
        Assert.Contains("10.94.0.0/24", before, StringComparison.Ordinal);
        Assert.DoesNotContain("10.94.0.0/24", Usage(second.Controller), StringComparison.Ordinal);
        Assert.Contains("pool LocalDefault/10.91.0.0/16/10.91.1.0/24", before, StringComparison.Ordinal);
        Assert.Contains("endpoint ep1 Ready 10.91.1.", before, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restored_DefaultIpam_RefusesOverlapsAndHandsOutFreshAddresses()
    {
        var store = new FailingStore();
        var first = await ControllerHarness.CreateAsync(store: store);
        await BuildStateAsync(first);
        var h = await ControllerHarness.CreateAsync(store: store);

        var overlap = await Assert.ThrowsAsync<CnmException>(() => h.NetworkAsync("other", o => o with { IpamDriver = "default", IPv4 = [new IpamConfig("10.91.0.0/16")] }));
        Assert.Contains("10.91.0.0/16", overlap.Message, StringComparison.Ordinal);
        var taken = await Assert.ThrowsAsync<CnmException>(() => h.EndpointAsync(h.Controller.GetNetwork("plain"), "dup", "10.92.0.20"));
        Assert.Contains("10.92.0.20", taken.Message, StringComparison.Ordinal);
        var auto = await h.Controller.CreateNetworkAsync(new NetworkCreateOptions { Name = "auto2", Driver = "fake" }, CancellationToken.None);
        Assert.NotEqual(h.Controller.GetNetwork("auto").IPv4Pools[0].Pool, auto.IPv4Pools[0].Pool);
        var fresh = await h.EndpointAsync(h.Controller.GetNetwork("sub"), "ep3");
        Assert.DoesNotContain(h.Controller.Endpoints, e => e.Id != fresh.Id && e.Address == fresh.Address);

        // The sandbox provider has the restored sandbox and its interfaces back: a join works.
        var sandbox = h.Controller.GetSandbox("c1");
        Assert.Equal(2, h.SandboxProvider.InterfacesOf(sandbox.Key).Count);
        await h.Controller.JoinAsync(fresh.Id, sandbox.Id, CancellationToken.None);
        Assert.Equal(3, h.SandboxProvider.InterfacesOf(sandbox.Key).Count);
    }

    [Fact]
    public async Task Restored_Objects_AcceptLeaveDeleteAndReleaseEverything()
    {
        var store = new FailingStore();
        var first = await ControllerHarness.CreateAsync(store: store);
        await BuildStateAsync(first);
        var h = await ControllerHarness.CreateAsync(store: store);
        var usageBefore = Usage(h.Controller);

        var sandbox = h.Controller.GetSandbox("c1");
        await h.Controller.DeleteSandboxAsync(sandbox.Id, CancellationToken.None);
        foreach (var endpoint in h.Controller.Endpoints)
        {
            await h.Controller.DeleteEndpointAsync(endpoint.Id, force: false, CancellationToken.None);
        }

        foreach (var network in h.Controller.Networks)
        {
            await h.Controller.DeleteNetworkAsync(network.Id, force: false, CancellationToken.None);
        }

        // The sandbox delete deletes its two endpoints; the loop the other two.
        Assert.Equal(["Leave", "DeleteEndpoint", "Leave", "DeleteEndpoint", "DeleteEndpoint", "DeleteEndpoint", "DeleteNetwork", "DeleteNetwork", "DeleteNetwork", "DeleteNetwork"],
            h.Log.Names.Where(n => n is "Leave" or "DeleteEndpoint" or "DeleteNetwork"));
        Assert.Equal("", await store.DumpAsync());
        Assert.Contains("10.91.0.0/16", usageBefore, StringComparison.Ordinal);
        Assert.DoesNotContain("10.9", Usage(h.Controller), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_DriverNotRegistered_RestoresWithoutCallingAndWorksOnceResolved()
    {
        var store = new FailingStore();
        var first = await ControllerHarness.CreateAsync(store: store);
        var network = await first.NetworkAsync("late", o => o with { IpamDriver = "default", IPv4 = [new IpamConfig("10.93.0.0/24")] });
        await first.EndpointAsync(network, "ep1");

        var resolver = new LateModule(new FakeNetworkDriver(new CallLog()));
        var controller = await Controller.CreateAsync(new ControllerOptions { Store = store }, [new BuiltInDriverModule(), resolver]);

        Assert.Equal(0, resolver.Resolutions);
        Assert.Equal(network.Id, controller.GetNetwork("late").Id);
        Assert.Contains(controller.GetIpamUsage("default")!, p => p.PoolId == "LocalDefault/10.93.0.0/24" && p.Used == 2);
        await controller.DeleteEndpointAsync("ep1", force: false, CancellationToken.None);
        Assert.Equal(1, resolver.Resolutions);
    }

    [Fact]
    public async Task CreateAsync_UnreadableRecord_FailsNamingTheKey()
    {
        var store = new InMemoryKeyValueStore();
        await store.CommitAsync(new StoreTransaction().Put("cnm/v1/networks/abc", Encoding.UTF8.GetBytes("{not json")), CancellationToken.None);

        var ex = await Assert.ThrowsAsync<CnmException>(() => Controller.CreateAsync(new ControllerOptions { Store = store }, [new BuiltInDriverModule()]));

        Assert.StartsWith("store record cnm/v1/networks/abc is unreadable:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_StoreWithTwoNullNetworksFromOlderCnm_RestoresBothAndRefusesOnlyAThird()
    {
        // Cnm before the one-instance rule let any number of null networks exist; such a state file must still start.
        var store = new InMemoryKeyValueStore();
        var old = await Controller.CreateAsync(new ControllerOptions { Store = store }, [new BuiltInDriverModule()]);
        var first = await old.CreateNetworkAsync(new NetworkCreateOptions { Name = "none1", Driver = "null" }, CancellationToken.None);
        var record = Encoding.UTF8.GetString((await store.GetAsync(StateKeys.Network(first.Id), CancellationToken.None))!.Value.Span);
        var secondId = new string('b', 64);
        Assert.Contains(first.Id, record, StringComparison.Ordinal);
        Assert.Contains("\"none1\"", record, StringComparison.Ordinal);
        var copy = record.Replace(first.Id, secondId, StringComparison.Ordinal).Replace("\"none1\"", "\"none2\"", StringComparison.Ordinal);
        await store.CommitAsync(new StoreTransaction().Put(StateKeys.Network(secondId), Encoding.UTF8.GetBytes(copy)), CancellationToken.None);

        var controller = await Controller.CreateAsync(new ControllerOptions { Store = store }, [new BuiltInDriverModule()]);

        Assert.Equal(["none1", "none2"], controller.Networks.Select(n => n.Name).Order());
        Assert.All(controller.Networks, n => Assert.Equal("null", n.Driver));
        var refused = await Assert.ThrowsAsync<CnmException>(() => controller.CreateNetworkAsync(
            new NetworkCreateOptions { Name = "none3", Driver = "null" }, CancellationToken.None));
        Assert.Equal(ErrorCategory.Forbidden, refused.Category);
        Assert.Equal("only one instance of \"null\" network is allowed", refused.Message);
        var endpoint = await controller.CreateEndpointAsync("none2", new EndpointCreateOptions { Name = "e" }, CancellationToken.None);
        await controller.DeleteEndpointAsync(endpoint.Id, force: false, CancellationToken.None);

        // Deleting one of them does not make room while the other is there; deleting both does.
        await controller.DeleteNetworkAsync("none1", force: false, CancellationToken.None);
        Assert.Equal(ErrorCategory.Forbidden, (await Assert.ThrowsAsync<CnmException>(() => controller.CreateNetworkAsync(
            new NetworkCreateOptions { Name = "none3", Driver = "null" }, CancellationToken.None))).Category);
        await controller.DeleteNetworkAsync("none2", force: false, CancellationToken.None);
        Assert.Equal("none3", (await controller.CreateNetworkAsync(new NetworkCreateOptions { Name = "none3", Driver = "null" }, CancellationToken.None)).Name);
    }

    private static async Task BuildStateAsync(ControllerHarness h)
    {
        var sub = await h.NetworkAsync("sub", o => o with
        {
            IpamDriver = "default",
            IPv4 = [new IpamConfig("10.91.0.0/16", "10.91.1.0/24", "10.91.0.1", new Dictionary<string, string> { ["router"] = "10.91.1.2" })],
        });
        var plain = await h.NetworkAsync("plain", o => o with { IpamDriver = "default", IPv4 = [new IpamConfig("10.92.0.0/24")], EnableIPv6 = true, IPv6 = [new IpamConfig("fd00:92::/64")] });
        await h.Controller.CreateNetworkAsync(new NetworkCreateOptions { Name = "auto", Driver = "fake" }, CancellationToken.None);
        await h.Controller.CreateNetworkAsync(new NetworkCreateOptions { Name = "none", Driver = "null" }, CancellationToken.None);
        var remote = await h.NetworkAsync("remote-ipam", o => o with { IPv4 = [new IpamConfig("10.94.0.0/24")] }); // "rec": not built in, never replayed
        await h.EndpointAsync(remote, "ep9");
        var ep1 = await h.EndpointAsync(sub, "ep1");
        await h.EndpointAsync(sub, "ep2");
        var ep3 = await h.Controller.CreateEndpointAsync(plain.Id, new EndpointCreateOptions { Name = "ep1", IPv4Address = "10.92.0.20", MacAddress = "02:42:0a:5c:00:14" }, CancellationToken.None);
        var sandbox = await h.SandboxAsync("c1");
        await h.Controller.JoinAsync(ep1.Id, sandbox.Id, CancellationToken.None);
        await h.Controller.JoinAsync(ep3.Id, sandbox.Id, CancellationToken.None);
    }

    private static string State(Controller c)
    {
        var text = new StringBuilder();
        foreach (var n in c.Networks)
        {
            text.AppendLine($"network {n.Id} {n.Name} {n.Driver} {n.Scope} {n.IpamDriver} {n.AddressSpace} {n.State} {n.Created:O} "
                + string.Join(",", n.IPv4Pools.Concat(n.IPv6Pools).Select(p => $"{p.PoolId}|{p.Pool}|{p.SubPool}|{p.Gateway}|{p.GatewayFromIpam}|{string.Join(";", p.AuxAddresses)}")));
        }

        foreach (var e in c.Endpoints.OrderBy(e => e.Id, StringComparer.Ordinal))
        {
            text.AppendLine($"endpoint {e.Name} {e.State} {e.Address} {e.AddressIPv6} {e.MacAddress} {e.PoolId} {e.PoolIdIPv6} {e.Id} {e.NetworkId} {e.SandboxId} "
                + $"{e.Join?.SrcName} {e.Join?.DstPrefix} {e.Join?.Gateway} {e.Options.IPv4Address} {e.Options.MacAddress}");
        }

        foreach (var s in c.Sandboxes)
        {
            text.AppendLine($"sandbox {s.Id} {s.Name} {s.Key} {s.State} [{string.Join(",", s.EndpointIds)}] gw={s.GatewayEndpointId}");
        }

        text.Append(Usage(c));
        return text.ToString();
    }

    private static string Usage(Controller c) =>
        string.Join('\n', c.GetIpamUsage(BuiltInIpams.Default)!.Select(p => $"pool {p.PoolId} used={p.Used}/{p.Total}"));
}
