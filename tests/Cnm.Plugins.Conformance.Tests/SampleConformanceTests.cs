using Cnm.Plugins.Sdk;
using Cnm.Plugins.Testing.InMemory;
using Cnm.Samples.FileIpam;
using Cnm.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Cnm.Plugins.Conformance.Tests;

public class SampleConformanceTests
{
    [Fact]
    public async Task RunAsync_FileIpamSampleOnTheSdk_PassesWithNoFailures()
    {
        using var temp = new TempDirectory("cnm-conformance");
        using var driver = new FileIpamDriver(temp.File("state.json"), requiresMacAddress: true);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var transport = InMemoryPluginTransport.Listen(builder);
        await using var app = builder.Build();
        app.MapIpamDriver(driver);
        await app.StartAsync();

        var report = await ConformanceKit.RunAsync(new PluginSpec("file-ipam", transport.Address),
            new ConformanceOptions { ConnectCallback = transport.ConnectCallback });

        Assert.True(report.Passed, report.ToTable());
        Assert.Equal(CheckOutcome.Pass, report["ipam.pool-address"].Outcome);
        Assert.Equal(CheckOutcome.Pass, report["ipam.exhaustion"].Outcome);
        Assert.Equal(CheckOutcome.Pass, report["errors.malformed-body"].Outcome);
        Assert.Equal(CheckOutcome.Skip, report["network.create-delete"].Outcome); // an IPAM only
        await app.StopAsync();
    }
}
