using System.Net.Sockets;
using Cnm.Core.Drivers;
using Cnm.Core.Model;
using Cnm.Linux.Sandboxes;
using static Cnm.Linux.Tests.Sandboxes.SandboxFixture;

namespace Cnm.Linux.Tests.Sandboxes;

/// <summary>
/// What a kill -9 between two kernel steps leaves, and how a restarted provider settles it (spec/linux-sandboxes.md,
/// "Crash safety"): the test hook reports every step, in order; a link marked for an endpoint the state does not have
/// joined goes back to the host namespace under its SrcName; a mark left on a host link is cleared at start-up.
/// </summary>
public sealed class CrashReconcileTests
{
    private const string Id = "dddddddddddd4444444444444444444444444444444444444444444444444444";

    [Fact]
    public async Task AfterStep_FullCycle_ReportsEveryKernelStepInOrder()
    {
        await using var f = await StartAsync();
        var steps = new List<string>();
        using var provider = Restarted(f, steps.Add);
        var key = await provider.CreateAsync(Id, new SandboxCreateOptions { ContainerId = Id }, CancellationToken.None);
        f.Host.CreateVeth("h1", "c1");
        var join = Join("c1", "172.30.0.1", null, Route("10.60.0.0/16", RouteType.Connected));
        var endpoint = Endpoint("e1", "172.30.0.2/24", "02:42:ac:1e:00:02", join: join);
        await provider.AddInterfaceAsync(key, endpoint, join, gateway: true, CancellationToken.None);
        await provider.RemoveInterfaceAsync(key, endpoint, nextGateway: null, CancellationToken.None);
        await provider.DeleteAsync(key, CancellationToken.None);

        Assert.Equal(
            [
                "sandbox-create:netns", "sandbox-create:files",
                "join:alias", "join:move", "join:mac", "join:address", "join:up", "join:routes", "join:gateway",
                "leave:move",
                "sandbox-delete:netns", "sandbox-delete:files",
            ],
            steps);
        Assert.True(string.IsNullOrEmpty(f.Host.GetLink("c1").Alias));
    }

    [Theory]
    [InlineData("join:move")]
    [InlineData("join:mac")]
    [InlineData("join:address")]
    [InlineData("join:gateway")]
    [InlineData("leave:move")]
    public async Task RestoreAsync_CutShortAtStep_LinkOfUnjoinedEndpointBackInHost(string step)
    {
        await using var f = await StartAsync();
        var key = await f.CreateSandboxAsync(Id);
        f.Host.CreateVeth("h1", "c1");
        var join = Join("c1", "172.30.0.1");
        var endpoint = Endpoint("e1", "172.30.0.2/24", "02:42:ac:1e:00:02", join: join);
        using (var crashing = Restarted(f, s => { if (s == step) { throw new CrashedException(); } }))
        {
            await crashing.RestoreAsync(Sandbox(key, []), CancellationToken.None);
            var cut = step.StartsWith("leave", StringComparison.Ordinal)
                ? Assert.ThrowsAsync<CrashedException>(async () =>
                {
                    await f.Provider.AddInterfaceAsync(key, endpoint, join, gateway: true, CancellationToken.None);
                    await crashing.RestoreAsync(Sandbox(key, [endpoint.Id]), CancellationToken.None);
                    await crashing.RemoveInterfaceAsync(key, endpoint, nextGateway: null, CancellationToken.None);
                })
                : Assert.ThrowsAsync<CrashedException>(() => crashing.AddInterfaceAsync(key, endpoint, join, gateway: true, CancellationToken.None));
            await cut;
        }

        using var restarted = Restarted(f, null);
        await restarted.RestoreAsync(Sandbox(key, []), CancellationToken.None); // the state: not joined (undone, or left)
        await restarted.RemoveUnknownAsync([key], CancellationToken.None);

        var back = f.Host.GetLink("c1");
        Assert.False(back.IsUp);
        Assert.True(string.IsNullOrEmpty(back.Alias));
        var sb = await f.SandboxClientAsync(key);
        Assert.Equal(["lo"], sb.GetLinks().Select(l => l.Name));
        Assert.Empty(sb.GetRoutes(AddressFamily.InterNetwork));
    }

    [Fact]
    public async Task RemoveUnknownAsync_CutShortAfterMarking_MarkInHostCleared()
    {
        await using var f = await StartAsync();
        var key = await f.CreateSandboxAsync(Id);
        f.Host.CreateVeth("h1", "c1");
        var join = Join("c1", "172.30.0.1");
        using (var crashing = Restarted(f, s => { if (s == "join:alias") { throw new CrashedException(); } }))
        {
            await crashing.RestoreAsync(Sandbox(key, []), CancellationToken.None);
            await Assert.ThrowsAsync<CrashedException>(() => crashing.AddInterfaceAsync(key, Endpoint("e1", "172.30.0.2/24", join: join), join, gateway: true, CancellationToken.None));
        }

        Assert.StartsWith("cnm:", f.Host.GetLink("c1").Alias, StringComparison.Ordinal);
        using var restarted = Restarted(f, null);
        await restarted.RestoreAsync(Sandbox(key, []), CancellationToken.None);
        Assert.Empty(await restarted.RemoveUnknownAsync([key], CancellationToken.None));

        Assert.True(string.IsNullOrEmpty(f.Host.GetLink("c1").Alias));
    }

    [Fact]
    public async Task RestoreAsync_JoinedEndpoint_StaysInTheSandbox()
    {
        await using var f = await StartAsync();
        var key = await f.CreateSandboxAsync(Id);
        f.Host.CreateVeth("h1", "c1");
        var join = Join("c1", "172.30.0.1");
        var endpoint = Endpoint("e1", "172.30.0.2/24", join: join);
        await f.Provider.AddInterfaceAsync(key, endpoint, join, gateway: true, CancellationToken.None);

        using var restarted = Restarted(f, null);
        await restarted.RestoreAsync(Sandbox(key, [endpoint.Id]), CancellationToken.None);
        await restarted.RemoveUnknownAsync([key], CancellationToken.None);

        Assert.Null(f.Host.FindLink("c1"));
        var sb = await f.SandboxClientAsync(key);
        Assert.Equal($"cnm:{endpoint.Id}:c1", sb.GetLink("eth0").Alias);
        Assert.Contains(sb.GetRoutes(AddressFamily.InterNetwork), r => r.IsDefault);
    }

    [Fact]
    public async Task RestoreAsync_CutShortJoinTookTheGateway_OldGatewayGetsItsDefaultRouteBack()
    {
        await using var f = await StartAsync();
        var (key, gateway, taker) = await GatewayJoinedAndSecondVethAsync(f);
        var second = taker.Join!;
        using (var crashing = Restarted(f, s => { if (s == "join:gateway") { throw new CrashedException(); } }))
        {
            await crashing.RestoreAsync(Sandbox(key, [gateway.Id]) with { GatewayEndpointId = gateway.Id }, [gateway], CancellationToken.None);
            await Assert.ThrowsAsync<CrashedException>(() => crashing.AddInterfaceAsync(key, taker, second, gateway: true, CancellationToken.None));
        }

        var sb = await f.SandboxClientAsync(key);
        var cut = Assert.Single(sb.GetRoutes(AddressFamily.InterNetwork), r => r.IsDefault);
        Assert.Equal(sb.GetLink("eth1").Index, cut.OutputInterfaceIndex); // the cut-short join had taken it over

        using var restarted = Restarted(f, null);
        await restarted.RestoreAsync(Sandbox(key, [gateway.Id]) with { GatewayEndpointId = gateway.Id }, [gateway], CancellationToken.None);

        Assert.Equal("c2", f.Host.GetLink("c2").Name);
        var route = Assert.Single(sb.GetRoutes(AddressFamily.InterNetwork), r => r.IsDefault);
        Assert.Equal(sb.GetLink("eth0").Index, route.OutputInterfaceIndex);
        Assert.Equal("172.30.0.1", route.Gateway?.ToString());
    }

    [Fact]
    public async Task RestoreAsync_WithJoinAnswers_GatewayLeaveHandsTheRouteToTheNextEndpoint()
    {
        await using var f = await StartAsync();
        var (key, gateway, other) = await GatewayJoinedAndSecondVethAsync(f);
        await f.Provider.AddInterfaceAsync(key, other, other.Join!, gateway: false, CancellationToken.None);

        using var restarted = Restarted(f, null);
        await restarted.RestoreAsync(Sandbox(key, [gateway.Id, other.Id]) with { GatewayEndpointId = gateway.Id }, [gateway, other], CancellationToken.None);
        await restarted.RemoveInterfaceAsync(key, gateway, CancellationToken.None); // the provider decides the next gateway

        var sb = await f.SandboxClientAsync(key);
        var route = Assert.Single(sb.GetRoutes(AddressFamily.InterNetwork), r => r.IsDefault);
        Assert.Equal(sb.GetLink("eth1").Index, route.OutputInterfaceIndex);
        Assert.Equal("172.31.0.1", route.Gateway?.ToString());
    }

    /// <summary>
    /// A sandbox whose gateway endpoint e1 (c1, gateway 172.30.0.1) is joined, and a second endpoint e2 whose Join
    /// (c2, gateway 172.31.0.1) is not sent yet.
    /// </summary>
    private static async Task<(string Key, Endpoint Gateway, Endpoint Second)> GatewayJoinedAndSecondVethAsync(SandboxFixture f)
    {
        var key = await f.CreateSandboxAsync(Id);
        f.Host.CreateVeth("h1", "c1");
        f.Host.CreateVeth("h2", "c2");
        var first = Join("c1", "172.30.0.1");
        var gateway = Endpoint("e1", "172.30.0.2/24", join: first);
        await f.Provider.AddInterfaceAsync(key, gateway, first, gateway: true, CancellationToken.None);
        return (key, gateway, Endpoint("e2", "172.31.0.2/24", join: Join("c2", "172.31.0.1")));
    }

    private static LinuxSandboxProvider Restarted(SandboxFixture f, Action<string>? afterStep) =>
        new(new LinuxSandboxOptions { ExecRoot = f.ExecRoot, HostNetnsPath = f.HostPath, AfterStep = afterStep });

    private static Sandbox Sandbox(string key, IReadOnlyList<string> endpointIds) => new()
    {
        Id = Id, Name = "s", Key = key, Options = new SandboxCreateOptions { ContainerId = Id }, EndpointIds = [.. endpointIds],
    };

    /// <summary>Stands for the kill -9: nothing after the step runs.</summary>
    private sealed class CrashedException : Exception;
}
