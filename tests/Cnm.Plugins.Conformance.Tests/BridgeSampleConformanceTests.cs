using System.Runtime.Versioning;
using Cnm.Linux.Namespaces;
using Cnm.Linux.Netlink;
using Cnm.Plugins.Sdk;
using Cnm.Plugins.Testing.InMemory;
using Cnm.Samples.BridgeNetwork;
using Cnm.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Cnm.Plugins.Conformance.Tests;

/// <summary>
/// The bridge sample, doing its real work (bridges and veths over netlink) in a network namespace this test makes, so
/// that nothing lands in the machine's own namespace, passes the kit; afterwards the namespace holds only loopback.
/// Needs root (CAP_SYS_ADMIN for the namespace, CAP_NET_ADMIN in it).
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class BridgeSampleConformanceTests
{
    [Fact]
    public async Task RunAsync_BridgeSampleInATestNamespace_PassesWithNoFailuresAndLeavesNoLink()
    {
        Assert.True(Capabilities.MissingForSandboxes().Count == 0, "this test needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN)");
        using var temp = new TempDirectory("cnm-conformance-bridge");
        var ns = temp.File("ns");
        await NetworkNamespace.CreateAsync(ns, CancellationToken.None);
        try
        {
            using var netlink = await NetlinkClient.OpenAsync(ns, CancellationToken.None);
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            var transport = InMemoryPluginTransport.Listen(builder);
            await using var app = builder.Build();
            app.MapNetworkDriver(new BridgeNetworkDriver(netlink));
            await app.StartAsync();

            var report = await ConformanceKit.RunAsync(new PluginSpec("sample-bridge", transport.Address),
                new ConformanceOptions { ConnectCallback = transport.ConnectCallback });

            Assert.True(report.Passed, report.ToTable());
            foreach (var id in new[] { "activate", "network.capabilities", "network.create-delete", "network.delete-idempotent",
                         "endpoint.preset-interface", "endpoint.join-leave", "errors.malformed-body", "errors.unknown-ids", "concurrency" })
            {
                Assert.True(report[id].Outcome == CheckOutcome.Pass, $"{id}: {report[id].Outcome} {report[id].Reason}\n{report.ToTable()}");
            }

            Assert.Equal(CheckOutcome.Skip, report["ipam.pool-address"].Outcome); // a network driver only
            Assert.Equal(["lo"], netlink.GetLinks().Select(l => l.Name));
            await app.StopAsync();
        }
        finally
        {
            NetworkNamespace.Delete(ns);
        }
    }
}
