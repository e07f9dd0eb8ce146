using Cnm.Core.Control;
using Cnm.Core.Drivers.BuiltIn;
using Cnm.Core.Errors;
using Cnm.Core.Model;
using Cnm.Protocol;

namespace Cnm.Core.Tests.Control;

/// <summary>Errors carry their plugin and method as data, and availability is decided from that data, never from message text (issue 10 point 2).</summary>
public sealed class StructuredErrorTests
{
    [Fact]
    public async Task CreateEndpointAsync_DriverNotRegistered_ErrorNamesPluginAsData()
    {
        var (controller, network) = await WaitingNetworkAsync();

        var error = await Assert.ThrowsAsync<CnmException>(() =>
            controller.CreateEndpointAsync(network.Id, new EndpointCreateOptions { Name = "e1" }, CancellationToken.None));

        Assert.Equal(ErrorCategory.NotFound, error.Category);
        Assert.Equal("fake", error.Plugin);
    }

    [Fact]
    public async Task ExplainWaiting_PluginOnlyInMessageText_NotExplained()
    {
        var (controller, network) = await WaitingNetworkAsync();
        var textOnly = CnmException.Unavailable("plugin \"fake\" is mentioned here, but the error is not about it");

        Assert.Same(textOnly, controller.ExplainWaiting(network, textOnly));
    }

    [Fact]
    public async Task ExplainWaiting_PluginAsDataWithoutNameInText_Explained()
    {
        var (controller, network) = await WaitingNetworkAsync();
        var data = new CnmException(ErrorCategory.Unavailable, "connection refused") { Plugin = "fake", Method = "CreateEndpoint" };

        var explained = controller.ExplainWaiting(network, data);

        Assert.Equal(ErrorCategory.Unavailable, explained.Category);
        Assert.StartsWith("network n1 is waiting for plugin \"fake\"", explained.Message, StringComparison.Ordinal);
        Assert.Equal(("fake", "CreateEndpoint"), (explained.Plugin, explained.Method));
    }

    [Fact]
    public void Constructor_WrapsDriverError_KeepsPluginAndMethod()
    {
        var inner = new CnmException(ErrorCategory.Timeout, "timed out") { Plugin = "p", Method = "Join" };

        var wrapped = new CnmException(ErrorCategory.Timeout, "endpoint e1: driver p failed to join it: timed out", inner);
        var rephrased = inner.WithMessage("again");

        Assert.Equal(("p", "Join"), (wrapped.Plugin, wrapped.Method));
        Assert.Equal(("p", "Join", ErrorCategory.Timeout), (rephrased.Plugin, rephrased.Method, rephrased.Category));
    }

    /// <summary>A network of driver "fake", restored by a controller that has no such driver: it waits for plugin "fake".</summary>
    private static async Task<(Controller Controller, Network Network)> WaitingNetworkAsync()
    {
        var store = new FailingStore();
        var first = await ControllerHarness.CreateAsync(store: store);
        await first.NetworkAsync("n1", o => o with { IpamDriver = "default" });
        var controller = await Controller.CreateAsync(new ControllerOptions { Store = store }, [new BuiltInDriverModule()]);
        return (controller, controller.GetNetwork("n1"));
    }
}
