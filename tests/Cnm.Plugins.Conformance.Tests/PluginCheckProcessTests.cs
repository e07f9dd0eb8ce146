using System.Diagnostics;
using System.Xml.Linq;
using Cnm.Plugins.Testing;
using Cnm.Testing;

namespace Cnm.Plugins.Conformance.Tests;

/// <summary>
/// The two shipped front ends as real processes: the <c>cnm-plugin-check</c> dotnet tool (its built dll) and
/// <c>cnm plugin check</c> (the native cnm when CNM_CLI_PATH names it, as tests/run does, else the JIT build).
/// </summary>
public sealed class PluginCheckProcessTests
{
    [Fact]
    public async Task Tool_MockPluginDefaultScript_ExitsZeroWithAJUnitReport()
    {
        using var temp = new TempDirectory("cnm-check-tool");
        await using var plugin = await MockPlugin.Create("tooled").StartUnixAsync(temp.File("tooled.sock"));
        var tool = ToolDll();

        var (exit, stdout, stderr) = await RunAsync("dotnet", [tool, "unix://" + temp.File("tooled.sock"), "--output", "junit"]);

        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        var suite = XDocument.Parse(stdout).Root!.Element("testsuite")!;
        Assert.Equal("0", suite.Attribute("failures")!.Value);
        Assert.Equal(ConformanceKit.CheckIds.Count, suite.Elements("testcase").Count());
        Assert.Contains("checking [1/", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CnmPluginCheck_BrokenPluginByName_ExitsOneAndTheTableNamesTheCheck()
    {
        using var temp = new TempDirectory("cnm-check-cli");
        await using var plugin = await MockPlugin.Create("clibroken").On(Cnm.Protocol.PluginMethods.Network.DeleteNetwork).Answer("{\"Err\":\"no such network\"}")
            .StartUnixAsync(temp.File("plugins", "clibroken.sock"));
        var native = BuiltArtifacts.FromEnvironment("CNM_CLI_PATH");
        string[] args = ["plugin", "check", "clibroken", "--plugin-dir", temp.File("plugins"), "--spec-dir", temp.CreateDirectory("specs")];

        var (exit, stdout, stderr) = native is null
            ? await RunAsync("dotnet", [BuiltArtifacts.Dll("Cnm.Cli", "cnm.dll"), .. args])
            : await RunAsync(native, args);

        Assert.True(exit == 1, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.Contains("FAIL  network.delete-idempotent", stdout, StringComparison.Ordinal);
        Assert.Contains("PASS  activate", stdout, StringComparison.Ordinal);
    }

    private static string ToolDll()
    {
        var cli = BuiltArtifacts.Dll("Cnm.Cli", "cnm.dll"); // .../src/Cnm.Cli/bin/<configuration>/<tfm>/cnm.dll
        var tfm = Path.GetDirectoryName(cli)!;
        var configuration = Path.GetDirectoryName(tfm)!;
        var root = Path.GetFullPath(Path.Combine(configuration, "..", "..", "..", ".."));
        var dll = Path.Combine(root, "plugins", "Cnm.Plugins.Check", "bin", Path.GetFileName(configuration), Path.GetFileName(tfm), "Cnm.Plugins.Check.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Cnm.Plugins.Check is not built: " + dll);
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string file, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not exit within 120 s");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
