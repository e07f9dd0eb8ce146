using Cnm.Core.Errors;
using Cnm.Core.Model;
using Cnm.Protocol;

namespace Cnm.Core.Tests.Control;

public sealed class ControllerJoinTests
{
    [Fact]
    public async Task JoinAsync_FirstEndpoint_JoinsThenProgramsExternalConnectivity()
    {
        var h = await ControllerHarness.CreateAsync();
        var network = await h.NetworkAsync("n1");
        var endpoint = await h.EndpointAsync(network, "e1");
        var sandbox = await h.SandboxAsync("c1");
        h.Log.Clear();

        var joined = await h.Controller.JoinAsync(endpoint.Id, "c1", CancellationToken.None);

        Assert.Equal(["Join " + endpoint.Id[..8], "ProgramExternalConnectivity " + endpoint.Id[..8]], h.Log.Calls);
        Assert.Equal(sandbox.Id, joined.SandboxId);
        Assert.Equal("veth0", joined.Join!.SrcName);
        Assert.Equal(endpoint.Id, h.Controller.GetSandbox("c1").GatewayEndpointId);
        Assert.Single(h.SandboxProvider.InterfacesOf(sandbox.Key));
    }

    [Fact]
    public async Task JoinAsync_DriverNamesNoInterface_JoinsAndProgramsButMovesNothingInOrOut()
    {
        var h = await ControllerHarness.CreateAsync();
        h.Driver.OnJoin = info => info.SetGateway(System.Net.IPAddress.Parse("10.0.0.1"));
        var network = await h.NetworkAsync("n1");
        var endpoint = await h.EndpointAsync(network, "e1");
        var sandbox = await h.SandboxAsync("c1");
        h.Log.Clear();

        var joined = await h.Controller.JoinAsync(endpoint.Id, "c1", CancellationToken.None);

        Assert.Equal(["Join " + endpoint.Id[..8], "ProgramExternalConnectivity " + endpoint.Id[..8]], h.Log.Calls);
        Assert.Equal(sandbox.Id, joined.SandboxId);
        Assert.Equal("", joined.Join!.SrcName);
        Assert.Equal("10.0.0.1", joined.Join.Gateway?.ToString());
        Assert.Empty(h.SandboxProvider.InterfacesOf(sandbox.Key));

        h.Log.Clear();
        await h.Controller.LeaveAsync(endpoint.Id, CancellationToken.None);
        Assert.Equal(["RevokeExternalConnectivity " + endpoint.Id[..8], "Leave " + endpoint.Id[..8]], h.Log.Calls);
    }

    [Fact]
    public async Task JoinAsync_SecondEndpointSameSandbox_JoinsWithoutProgram()
    {
        var h = await ControllerHarness.CreateAsync();
        var n1 = await h.NetworkAsync("n1");
        var n2 = await h.NetworkAsync("n2");
        var e1 = await h.EndpointAsync(n1, "e1");
        var e2 = await h.EndpointAsync(n2, "e2");
        await h.SandboxAsync("c1");
        await h.Controller.JoinAsync(e1.Id, "c1", CancellationToken.None);
        h.Log.Clear();

        await h.Controller.JoinAsync(e2.Id, "c1", CancellationToken.None);

        Assert.Equal(["Join " + e2.Id[..8]], h.Log.Calls);
        Assert.Equal([e1.Id, e2.Id], h.Controller.GetSandbox("c1").EndpointIds);
    }

    [Fact]
    public async Task JoinAsync_InternalNetwork_NeverPrograms()
    {
        var h = await ControllerHarness.CreateAsync();
        var network = await h.NetworkAsync("n1", o => o with { Internal = true });
        var endpoint = await h.EndpointAsync(network, "e1");
        await h.SandboxAsync("c1");
        h.Log.Clear();

        await h.Controller.JoinAsync(endpoint.Id, "c1", CancellationToken.None);

        Assert.Equal(["Join " + endpoint.Id[..8]], h.Log.Calls);
        Assert.Null(h.Controller.GetSandbox("c1").GatewayEndpointId);
    }

    [Fact]
    public async Task LeaveAsync_GatewayEndpoint_RevokesLeavesAndProgramsTheNextOne()
    {
        var h = await ControllerHarness.CreateAsync();
        var n1 = await h.NetworkAsync("n1");
        var n2 = await h.NetworkAsync("n2");
        var e1 = await h.EndpointAsync(n1, "e1");
        var e2 = await h.EndpointAsync(n2, "e2");
        await h.SandboxAsync("c1");
        await h.Controller.JoinAsync(e1.Id, "c1", CancellationToken.None);
        await h.Controller.JoinAsync(e2.Id, "c1", CancellationToken.None);
        h.Log.Clear();

        var left = await h.Controller.LeaveAsync(e1.Id, CancellationToken.None);

        Assert.Equal(["RevokeExternalConnectivity " + e1.Id[..8], "Leave " + e1.Id[..8], "ProgramExternalConnectivity " + e2.Id[..8]], h.Log.Calls);
        Assert.Null(left.SandboxId);
        Assert.Equal(e1.Address, left.Address); // leave keeps the addresses
        Assert.Equal(e2.Id, h.Controller.GetSandbox("c1").GatewayEndpointId);
    }

    [Fact]
    public async Task LeaveAsync_DriverFails_StillLeavesLocally()
    {
        var h = await ControllerHarness.CreateAsync();
        var network = await h.NetworkAsync("n1");
        var endpoint = await h.EndpointAsync(network, "e1");
        await h.SandboxAsync("c1");
        await h.Controller.JoinAsync(endpoint.Id, "c1", CancellationToken.None);
        h.Log.FailNext("Leave");

        var left = await h.Controller.LeaveAsync(endpoint.Id, CancellationToken.None);

        Assert.Null(left.SandboxId);
        Assert.Empty(h.Controller.GetSandbox("c1").EndpointIds);
    }

    [Fact]
    public async Task JoinAsync_AlreadyJoined_IsConflict()
    {
        var h = await ControllerHarness.CreateAsync();
        var network = await h.NetworkAsync("n1");
        var endpoint = await h.EndpointAsync(network, "e1");
        await h.SandboxAsync("c1");
        await h.SandboxAsync("c2");
        await h.Controller.JoinAsync(endpoint.Id, "c1", CancellationToken.None);

        var error = await Assert.ThrowsAsync<CnmException>(() => h.Controller.JoinAsync(endpoint.Id, "c2", CancellationToken.None));

        Assert.Equal(ErrorCategory.Conflict, error.Category);
        Assert.Contains("already joined", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteSandboxAsync_LeavesAndDeletesEveryEndpointLastJoinedFirst()
    {
        var h = await ControllerHarness.CreateAsync();
        var n1 = await h.NetworkAsync("n1");
        var e1 = await h.EndpointAsync(n1, "e1");
        var e2 = await h.EndpointAsync(n1, "e2");
        var sandbox = await h.SandboxAsync("c1");
        await h.Controller.JoinAsync(e1.Id, "c1", CancellationToken.None);
        await h.Controller.JoinAsync(e2.Id, "c1", CancellationToken.None);
        h.Log.Clear();

        await h.Controller.DeleteSandboxAsync("c1", CancellationToken.None);

        Assert.Equal(["Leave " + e2.Id[..8], "DeleteEndpoint " + e2.Id[..8],
            "RevokeExternalConnectivity " + e1.Id[..8], "Leave " + e1.Id[..8], "DeleteEndpoint " + e1.Id[..8]],
            h.Log.Calls.Where(c => !c.StartsWith("ReleaseAddress", StringComparison.Ordinal)));
        Assert.Equal(2, h.Log.Calls.Count(c => c.StartsWith("ReleaseAddress", StringComparison.Ordinal)));
        Assert.Empty(h.Controller.Sandboxes);
        Assert.Empty(h.Controller.Endpoints);
        Assert.DoesNotContain(sandbox.Key, h.SandboxProvider.Keys);
    }

    [Fact]
    public async Task CreateSandboxAsync_DuplicateContainer_IsConflict()
    {
        var h = await ControllerHarness.CreateAsync();
        await h.SandboxAsync("c1");

        var error = await Assert.ThrowsAsync<CnmException>(() => h.SandboxAsync("c1"));

        Assert.Equal(ErrorCategory.Conflict, error.Category);
    }

    [Fact]
    public async Task GetEndpointInfoAsync_AsksTheDriver()
    {
        var h = await ControllerHarness.CreateAsync();
        var network = await h.NetworkAsync("n1");
        var endpoint = await h.EndpointAsync(network, "e1");
        h.Log.Clear();

        var info = await h.Controller.GetEndpointInfoAsync("e1", CancellationToken.None);

        Assert.Empty(info);
        Assert.Equal(["EndpointOperInfo " + endpoint.Id[..8]], h.Log.Calls);
    }

    [Fact]
    public async Task JoinLeave_GatewayChoice_PassedToTheSandboxProvider()
    {
        var h = await ControllerHarness.CreateAsync();
        var internalNetwork = await h.NetworkAsync("n0", o => o with { Internal = true });
        var n1 = await h.NetworkAsync("n1");
        var n2 = await h.NetworkAsync("n2");
        var e0 = await h.EndpointAsync(internalNetwork, "e0");
        var e1 = await h.EndpointAsync(n1, "e1");
        var e2 = await h.EndpointAsync(n2, "e2");
        var sandbox = await h.SandboxAsync("c1");

        await h.Controller.JoinAsync(e0.Id, "c1", CancellationToken.None);
        Assert.Null(h.SandboxProvider.GatewayOf(sandbox.Key)); // an internal network never gives the gateway
        await h.Controller.JoinAsync(e1.Id, "c1", CancellationToken.None);
        Assert.Equal(e1.Id, h.SandboxProvider.GatewayOf(sandbox.Key));
        await h.Controller.JoinAsync(e2.Id, "c1", CancellationToken.None);
        Assert.Equal(e1.Id, h.SandboxProvider.GatewayOf(sandbox.Key));

        await h.Controller.LeaveAsync(e1.Id, CancellationToken.None); // the gateway leaves: the next one takes over
        Assert.Equal(e2.Id, h.SandboxProvider.GatewayOf(sandbox.Key));
        await h.Controller.LeaveAsync(e0.Id, CancellationToken.None);
        Assert.Equal(e2.Id, h.SandboxProvider.GatewayOf(sandbox.Key));
        await h.Controller.LeaveAsync(e2.Id, CancellationToken.None);
        Assert.Null(h.SandboxProvider.GatewayOf(sandbox.Key));
    }
}
