using System.Net;
using System.Runtime.Versioning;
using Cnm.Testing;
using static Cnm.Daemon.Tests.NativeEndpointTests;

namespace Cnm.Daemon.Tests;

/// <summary>
/// <c>cnmd --check</c> on a healthy, a corrupted, a missing and a held state file, and
/// <c>GET /cnm/v1/system/df</c> on the same store.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class CheckTests() : StatefulDaemonTest("cnmd-check", "checkp")
{
    [Fact]
    public async Task Healthy_ExitsZero_WithCounts_AndDfAgrees()
    {
        using (var daemon = DaemonProcess.Start(Args))
        {
            await daemon.WaitReadyAsync();
            using var http = DaemonFixture.CreateClient(Socket);
            await CreateNetworkAsync(http, "c-a", Plugin, "10.250.1.0/24");
            await CreateNetworkAsync(http, "c-b", "null");
            var endpoint = (await CreateEndpointAsync(http, """{"Network":"c-a","Name":"e1"}""")).GetProperty("Id").GetString();
            await CreateEndpointAsync(http, """{"Network":"c-b","Name":"e2"}""");
            var sandbox = await CreateSandboxAsync(http, "box1");
            using (var join = await http.PostAsync($"/cnm/v1/endpoints/{endpoint}/join", Body($$"""{"Sandbox":"{{sandbox}}"}""")))
            {
                await ReadAsync(join, HttpStatusCode.OK);
            }

            using var response = await http.GetAsync("/cnm/v1/system/df");
            var df = await ReadAsync(response, HttpStatusCode.OK);
            Assert.Equal(StateFile, df.GetProperty(nameof(StateFile)).GetString());
            Assert.True(df.GetProperty("Size").GetInt64() > 0);
            Assert.True(df.GetProperty("Revision").GetInt64() >= 6, df.ToString());
            Assert.Equal(2, df.GetProperty("Networks").GetInt32());
            Assert.Equal(2, df.GetProperty("Endpoints").GetInt32());
            Assert.Equal(1, df.GetProperty("Sandboxes").GetInt32());
            Assert.Equal(1, df.GetProperty("IpamPools").GetInt32());
            Assert.True(df.GetProperty("Keys").GetInt32() >= 5, df.ToString());
            Assert.Equal(0, await daemon.TerminateAsync(TimeSpan.FromSeconds(20)));
        }

        var (code, stdout, stderr) = await CheckAsync("--data-root", DataRoot);
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("file: " + StateFile, stdout, StringComparison.Ordinal);
        Assert.Contains("networks: 2\nendpoints: 2\nsandboxes: 1\npools: 1\nintents: 0\npending calls: 0\n", stdout, StringComparison.Ordinal);
        Assert.EndsWith("ok", stdout.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnvironmentDataRoot_IsHonoured()
    {
        using (var daemon = DaemonProcess.Start(Args))
        {
            await daemon.WaitReadyAsync();
            Assert.Equal(0, await daemon.TerminateAsync(TimeSpan.FromSeconds(20)));
        }

        using var check = DaemonProcess.Start(["--check"], new Dictionary<string, string> { ["CNMD_DATAROOT"] = DataRoot });
        Assert.Equal(0, await check.WaitExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("file: " + StateFile, check.Stdout, StringComparison.Ordinal);
        Assert.Contains("networks: 0", check.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Corrupted_ExitsOne_NamingTheProblem()
    {
        using (var daemon = DaemonProcess.Start(Args))
        {
            await daemon.WaitReadyAsync();
            using var http = DaemonFixture.CreateClient(Socket);
            // One null network at most (spec/controller.md, "One null and one host network"): its endpoints fill the pages.
            await CreateNetworkAsync(http, "x-none", "null");
            for (var i = 0; i < 20; i++)
            {
                await CreateEndpointAsync(http, $$"""{"Network":"x-none","Name":"x{{i.ToString(System.Globalization.CultureInfo.InvariantCulture)}}"}""");
            }

            Assert.Equal(0, await daemon.TerminateAsync(TimeSpan.FromSeconds(20)));
        }

        // Scribble over everything after the first page (the header stays, so SQLite still opens the file).
        var bytes = await File.ReadAllBytesAsync(StateFile);
        Assert.True(bytes.Length > 4096 * 2, $"state file has {bytes.Length} bytes");
        for (var i = 4096; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(i * 7);
        }

        await File.WriteAllBytesAsync(StateFile, bytes);
        var (code, stdout, stderr) = await CheckAsync("--data-root", DataRoot);
        Assert.True(code == 1, $"exit {code}: {stdout}{stderr}");
        Assert.Contains("problem: ", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\nok", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingDataRoot_ClearError_NothingCreated()
    {
        var missing = Temp.File("nowhere", "data");
        var (code, stdout, stderr) = await CheckAsync("--data-root", missing);
        Assert.True(code == 1, $"exit {code}: {stdout}{stderr}");
        Assert.Contains($"data root {missing} does not exist", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Temp.File("nowhere")));

        Directory.CreateDirectory(missing);
        (code, _, stderr) = await CheckAsync("--data-root", missing);
        Assert.Equal(1, code);
        Assert.Contains($"cannot check state file {Path.Combine(missing, "cnm.db")}: no such file", stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(missing));
    }

    [Fact]
    public async Task HeldByRunningDaemon_ClearError_NamingTheLockFile()
    {
        using var daemon = DaemonProcess.Start(Args);
        await daemon.WaitReadyAsync();
        var (code, stdout, stderr) = await CheckAsync("--data-root", DataRoot);
        Assert.True(code == 1, $"exit {code}: {stdout}{stderr}");
        Assert.Contains($"it holds {StateFile}.lock", stderr, StringComparison.Ordinal);

        // The running daemon is untouched.
        using var http = DaemonFixture.CreateClient(Socket);
        Assert.Equal("OK", await http.GetStringAsync("/_ping"));
    }

    [Fact]
    public async Task BadUsage_ExitsTwo()
    {
        var (code, _, stderr) = await CheckAsync("--data-root", "relative/path");
        Assert.Equal(2, code);
        Assert.Contains("--data-root", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists("relative"));
    }

    private static async Task<(int Code, string Stdout, string Stderr)> CheckAsync(params string[] args)
    {
        using var check = DaemonProcess.Start(["--check", .. args]);
        var code = await check.WaitExitAsync(TimeSpan.FromSeconds(30));
        return (code, check.Stdout, check.Stderr);
    }
}
