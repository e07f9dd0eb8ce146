using System.Net;
using System.Runtime.Versioning;
using Cnm.Testing;
using static Cnm.Daemon.Tests.NativeEndpointTests;

namespace Cnm.Daemon.Tests;

/// <summary><c>cnmd --store sqlite|memory</c> (env <c>CNMD_STORE</c>): memory works, keeps nothing; a bad value is refused.</summary>
[SupportedOSPlatform("linux")]
public sealed class StoreOptionTests() : StatefulDaemonTest("cnmd-store", "storep")
{
    [Fact]
    public async Task Memory_Works_WarnsAtStart_WritesNoStateFile_KeepsNothingAcrossRestart()
    {
        using (var daemon = DaemonProcess.Start([.. Args, "--store", "memory"]))
        {
            await daemon.WaitReadyAsync();
            using var http = DaemonFixture.CreateClient(Socket);
            var id = await CreateNetworkAsync(http, "m-a", Plugin, "10.242.0.0/24");
            await CreateEndpointAsync(http, """{"Network":"m-a","Name":"e1"}""");
            using (var df = await http.GetAsync("/cnm/v1/system/df"))
            {
                var body = await ReadAsync(df, HttpStatusCode.OK);
                Assert.Equal(":memory:", body.GetProperty("StateFile").GetString());
                Assert.Equal(0, body.GetProperty("Size").GetInt64());
                Assert.Equal(1, body.GetProperty("Networks").GetInt32());
                Assert.Equal(1, body.GetProperty("Endpoints").GetInt32());
            }

            using (var inspect = await http.GetAsync("/networks/" + id))
            {
                Assert.Equal("m-a", (await ReadAsync(inspect, HttpStatusCode.OK)).GetProperty("Name").GetString());
            }

            Assert.Contains("--store memory: state is kept in memory only", daemon.Stderr, StringComparison.Ordinal);
            Assert.Equal(0, await daemon.TerminateAsync(TimeSpan.FromSeconds(20)));
        }

        Assert.False(File.Exists(StateFile), "--store memory wrote a state file");
        Assert.Empty(Directory.GetFiles(DataRoot, "cnm.db*"));

        // The environment variable chooses it too; nothing came back.
        using var second = DaemonProcess.Start(Args, new Dictionary<string, string> { ["CNMD_STORE"] = "memory" });
        await second.WaitReadyAsync();
        using var client = DaemonFixture.CreateClient(Socket);
        using var list = await client.GetAsync("/networks");
        Assert.DoesNotContain((await ReadAsync(list, HttpStatusCode.OK)).EnumerateArray(), n => n.GetProperty("Name").GetString() == "m-a");
        Assert.False(File.Exists(StateFile));
    }

    [Fact]
    public async Task UnknownValue_RefusedAtStart_NothingCreated()
    {
        using var daemon = DaemonProcess.Start([.. Args, "--store", "disk"]);
        var code = await daemon.WaitExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(code == 1, $"exit {code}: {daemon.Stderr}");
        Assert.Contains("--store disk: expected sqlite or memory", daemon.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(DataRoot));
        Assert.False(File.Exists(Socket));
    }
}
