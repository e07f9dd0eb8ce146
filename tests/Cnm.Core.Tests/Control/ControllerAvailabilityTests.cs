using Cnm.Core.Control;
using Cnm.Core.Drivers;
using Cnm.Core.Drivers.BuiltIn;
using Cnm.Core.Errors;
using Cnm.Core.Ipam;
using Cnm.Core.Model;
using Cnm.Protocol;

namespace Cnm.Core.Tests.Control;

/// <summary>
/// <see cref="Controller.GetAvailability"/>: a network is ready when its drivers are registered, and waiting for
/// the plugin named by its driver or IPAM otherwise; a module that implements <see cref="IDriverAvailability"/>
/// can say why a registered driver cannot serve.
/// </summary>
public sealed class ControllerAvailabilityTests
{
    [Fact]
    public async Task GetAvailability_DriversRegistered_Ready()
    {
        var h = await ControllerHarness.CreateAsync();
        var pooled = await h.NetworkAsync("pooled");
        var none = await h.Controller.CreateNetworkAsync(new NetworkCreateOptions { Name = "none", Driver = "null" }, CancellationToken.None);

        Assert.Same(NetworkAvailability.Ready, h.Controller.GetAvailability(pooled));
        Assert.True(h.Controller.GetAvailability(none).IsReady);
        Assert.Equal("", h.Controller.GetAvailability(none).Message);
    }

    [Fact]
    public async Task GetAvailability_RestoredWithDriverAndIpamUnregistered_WaitingForBoth()
    {
        var store = new FailingStore();
        var first = await ControllerHarness.CreateAsync(store: store);
        var network = await first.NetworkAsync("n1");
        Assert.NotEmpty(network.IPv4Pools);

        var controller = await Controller.CreateAsync(new ControllerOptions { Store = store }, [new BuiltInDriverModule()]);
        var availability = controller.GetAvailability(controller.GetNetwork("n1"));

        Assert.False(availability.IsReady);
        Assert.Equal(["fake", "rec"], availability.WaitingFor);
        Assert.Equal("waiting for plugin \"fake\" (network driver): no network driver of that name is registered; "
            + "waiting for plugin \"rec\" (IPAM driver): no IPAM driver of that name is registered", availability.Message);
    }

    [Fact]
    public async Task GetAvailability_NoPools_IpamNotConsidered()
    {
        var store = new FailingStore();
        var first = await ControllerHarness.CreateAsync(store: store);
        await first.Controller.CreateNetworkAsync(new NetworkCreateOptions { Name = "bare", Driver = "fake", IpamDriver = "null" }, CancellationToken.None);

        var controller = await Controller.CreateAsync(new ControllerOptions { Store = store }, [new BuiltInDriverModule()]);
        var availability = controller.GetAvailability(controller.GetNetwork("bare"));

        Assert.Equal(["fake"], availability.WaitingFor);
        Assert.StartsWith("waiting for plugin \"fake\" (network driver): ", availability.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAvailability_ModuleReportsRegisteredDriverGone_WaitingWithItsReasonOnceForBothRoles()
    {
        var log = new CallLog();
        var module = new ReportingModule(new FakeModule("p", new FakeNetworkDriver(log), "p", new RecordingIpam(BuiltInIpams.CreateDefault(), log)));
        var controller = await Controller.CreateAsync(new ControllerOptions(), [new BuiltInDriverModule(), module]);
        var network = await controller.CreateNetworkAsync(new NetworkCreateOptions { Name = "n1", Driver = "p", IpamDriver = "p" }, CancellationToken.None);
        Assert.True(controller.GetAvailability(network).IsReady);

        module.Reason = "the plugin is gone";
        var waiting = controller.GetAvailability(network);

        Assert.Equal(["p"], waiting.WaitingFor);
        Assert.Equal("waiting for plugin \"p\" (network driver and IPAM driver): the plugin is gone", waiting.Message);
        Assert.Equal([("p", DriverKind.Network, true), ("p", DriverKind.Ipam, true)], module.Asked.Distinct());
        module.Reason = null;
        Assert.True(controller.GetAvailability(network).IsReady);
    }

    [Fact]
    public async Task ExplainWaiting_WaitingNetworkNotFoundError_UnavailableNamingNetworkAndPlugin()
    {
        var store = new FailingStore();
        var first = await ControllerHarness.CreateAsync(store: store);
        await first.NetworkAsync("n1");
        var controller = await Controller.CreateAsync(new ControllerOptions { Store = store }, [new BuiltInDriverModule()]);
        var network = controller.GetNetwork("n1");

        var original = await Assert.ThrowsAsync<CnmException>(() =>
            controller.CreateEndpointAsync(network.Id, new EndpointCreateOptions { Name = "e1" }, CancellationToken.None));
        var explained = controller.ExplainWaiting(network, original);

        Assert.Equal(ErrorCategory.NotFound, original.Category);
        Assert.Equal(ErrorCategory.Unavailable, explained.Category);
        Assert.StartsWith("network n1 is waiting for plugin \"fake\" (network driver): ", explained.Message, StringComparison.Ordinal);
        Assert.Same(original, explained.InnerException);
        var conflict = CnmException.Conflict("busy");
        Assert.Same(conflict, controller.ExplainWaiting(network, conflict)); // not about a plugin
        var other = CnmException.NotFound("endpoint e9 not found");
        Assert.Same(other, controller.ExplainWaiting(network, other)); // names no plugin the network waits for
    }

    /// <summary>Wraps a module and answers availability questions with <see cref="Reason"/>, recording them.</summary>
    private sealed class ReportingModule(IDriverModule inner) : IDriverModule, IDriverAvailability
    {
        public string? Reason { get; set; }

        public List<(string Name, DriverKind Kind, bool Registered)> Asked { get; } = [];

        public string Name => "reporting";

        public bool IsBuiltIn => false;

        public Task InitializeAsync(IDriverRegistrar registrar, CancellationToken cancellationToken) =>
            inner.InitializeAsync(registrar, cancellationToken);

        public string? GetUnavailableReason(string name, DriverKind kind, bool registered)
        {
            Asked.Add((name, kind, registered));
            return Reason;
        }
    }
}
