using System.Diagnostics;
using Cnm.Core.Errors;
using Cnm.Core.Model;
using Cnm.Protocol;

namespace Cnm.Drivers.Remote.Tests.Resolution;

/// <summary>
/// Finding a plugin by name: an invalid scope from GetCapabilities is a clear error and creates nothing;
/// an unknown driver fails at once, naming where Cnm looked (docs/decisions.md, "unknown driver").
/// </summary>
public sealed class DriverResolutionTests
{
    [Theory]
    [InlineData("galaxy", null, "Scope \"galaxy\"")]
    [InlineData("Local", null, "Scope \"Local\"")]
    [InlineData(null, null, "Scope \"\"")]
    [InlineData("local", "planet", "ConnectivityScope \"planet\"")]
    public async Task CreateNetwork_InvalidScopeFromGetCapabilities_FailsNamingPluginAndValueAndCreatesNothing(
        string? scope, string? connectivityScope, string expected)
    {
        await using var h = await RemoteHarness.CreateAsync(p =>
        {
            p.Implements = [PluginInterfaces.NetworkDriver];
            p.Scope = scope;
            p.ConnectivityScope = connectivityScope;
        });

        var error = await Assert.ThrowsAsync<CnmException>(() => h.NetworkAsync("n1"));

        Assert.Equal(ErrorCategory.Unavailable, error.Category);
        Assert.Contains("plugin \"rec\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("NetworkDriver.GetCapabilities", error.Message, StringComparison.Ordinal);
        Assert.Contains($"invalid {expected}", error.Message, StringComparison.Ordinal);
        Assert.Contains("expecting 'local' or 'global'", error.Message, StringComparison.Ordinal);
        // Resolving the name retries the failed registration once more before giving up.
        Assert.Equal([PluginMethods.Activate, PluginMethods.Network.GetCapabilities, PluginMethods.Network.GetCapabilities], h.Plugin.Methods);
        Assert.Equal("", h.Snapshot());
        Assert.Empty(h.Plugin.Networks);
        Assert.DoesNotContain(RemoteHarness.PluginName, h.Controller.NetworkDrivers);
    }

    [Fact]
    public async Task CreateNetwork_GlobalScopeWithoutClusterStore_ForbiddenNamingDriverScopeAndFixWithNoIpamOrNetworkCall()
    {
        await using var h = await RemoteHarness.CreateAsync(p => p.Scope = "global");

        var error = await Assert.ThrowsAsync<CnmException>(() => h.PluginIpamNetworkAsync("n1"));

        Assert.Equal(ErrorCategory.Forbidden, error.Category);
        Assert.Contains("driver rec has scope \"global\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("cluster store", error.Message, StringComparison.Ordinal);
        Assert.Contains("--cluster-store", error.Message, StringComparison.Ordinal);
        // Only the registration of the plugin: no pool, no address, no network.
        Assert.All(h.Plugin.Methods, m => Assert.True(
            m is PluginMethods.Activate or PluginMethods.Network.GetCapabilities or PluginMethods.Ipam.GetCapabilities
                or PluginMethods.Ipam.GetDefaultAddressSpaces, $"unexpected call {m}"));
        Assert.Contains(PluginMethods.Network.GetCapabilities, h.Plugin.Methods);
        Assert.Empty(h.Plugin.Networks);
        Assert.Empty(h.Plugin.Pools);
        Assert.Equal("", h.Snapshot());
    }

    [Fact]
    public async Task CreateNetwork_UnknownDriver_FailsNotFoundAtOnceNamingTheDriverAndTheDirectories()
    {
        await using var h = await RemoteHarness.CreateAsync();
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<CnmException>(() =>
            h.Controller.CreateNetworkAsync(new NetworkCreateOptions { Name = "n1", Driver = "nosuch" }, CancellationToken.None));

        clock.Stop();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"took {clock.Elapsed}"); // no 15 s connect-retry budget
        Assert.Equal(ErrorCategory.NotFound, error.Category);
        Assert.Contains("\"nosuch\"", error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(h.Layout.Sockets, "nosuch.sock"), error.Message, StringComparison.Ordinal);
        Assert.Contains(h.Layout.Etc, error.Message, StringComparison.Ordinal);
        Assert.Contains(h.Layout.Lib, error.Message, StringComparison.Ordinal);
        Assert.Equal("", h.Snapshot());
        Assert.Empty(h.Plugin.Calls);
    }

    [Fact]
    public async Task CreateNetwork_UnknownIpamDriver_FailsNotFoundAndCreatesNothing()
    {
        await using var h = await RemoteHarness.CreateAsync();

        var error = await Assert.ThrowsAsync<CnmException>(() => h.NetworkAsync("n1", o => o with { IpamDriver = "nosuch" }));

        Assert.Equal(ErrorCategory.NotFound, error.Category);
        Assert.Contains("IPAM driver \"nosuch\"", error.Message, StringComparison.Ordinal);
        Assert.Equal("", h.Snapshot());
        Assert.Empty(h.Plugin.CallsTo(PluginMethods.Network.CreateNetwork));
    }

    [Fact]
    public async Task CreateNetwork_DriverNameEscapesPluginDirectory_FailsInvalidParameter()
    {
        await using var h = await RemoteHarness.CreateAsync();

        var error = await Assert.ThrowsAsync<CnmException>(() =>
            h.Controller.CreateNetworkAsync(new NetworkCreateOptions { Name = "n1", Driver = "../rec" }, CancellationToken.None));

        Assert.Equal(ErrorCategory.InvalidParameter, error.Category);
        Assert.Contains("../rec", error.Message, StringComparison.Ordinal);
        Assert.Empty(h.Plugin.Calls);
    }

    [Fact]
    public async Task CreateNetwork_PluginDoesNotImplementNetworkDriver_FailsNotImplemented()
    {
        await using var h = await RemoteHarness.CreateAsync(p => p.Implements = [PluginInterfaces.IpamDriver]);

        var error = await Assert.ThrowsAsync<CnmException>(() => h.NetworkAsync("n1"));

        Assert.Equal(ErrorCategory.NotImplemented, error.Category);
        Assert.Contains("does not implement NetworkDriver", error.Message, StringComparison.Ordinal);
        Assert.Equal("", h.Snapshot());
    }

    [Fact]
    public async Task CreateNetwork_ActivationFailsOnce_NextCreateActivatesAgain()
    {
        await using var h = await RemoteHarness.CreateAsync();
        h.Plugin.FailMethod(PluginMethods.Activate, times: 1);

        var error = await Assert.ThrowsAsync<CnmException>(() => h.NetworkAsync("n1"));
        Assert.Contains("plugin \"rec\" Plugin.Activate", error.Message, StringComparison.Ordinal);
        Assert.Equal("", h.Snapshot());

        await h.NetworkAsync("n1");

        Assert.Equal(2, h.Plugin.CallsTo(PluginMethods.Activate).Count);
        h.AssertPluginAgrees();
    }

    [Fact]
    public async Task CreateNetwork_GetCapabilitiesFailedOnceAtActivation_RegistrationIsRetriedOnUse()
    {
        await using var h = await RemoteHarness.CreateAsync(p => p.Implements = [PluginInterfaces.NetworkDriver]);
        h.Plugin.FailMethod(PluginMethods.Network.GetCapabilities, times: 1);

        var network = await h.NetworkAsync("n1");

        Assert.Equal("n1", network.Name);
        Assert.Equal(2, h.Plugin.Methods.Count(m => m == PluginMethods.Network.GetCapabilities));
        Assert.Contains(RemoteHarness.PluginName, h.Controller.NetworkDrivers);
    }
}
