using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Cnm.Plugins.Client;
using Cnm.Protocol;
using Cnm.Protocol.Plugin;
using Cnm.Testing;

namespace Cnm.Plugins.Samples.Tests.Docker;

/// <summary>
/// The systemd units under docker/systemd pass <c>systemd-analyze verify</c> with no warning (the binaries they start
/// are stood in for by stubs, since nothing is installed here); cnmd's unit is Type=notify; each sample's socket unit
/// listens where its config.json says and its service starts the sample, which then answers Activate on the socket
/// systemd would pass it (LISTEN_FDS).
/// </summary>
[SupportedOSPlatform("linux")]
public sealed partial class SystemdUnitTests
{
    private const string SystemdAnalyze = "/usr/bin/systemd-analyze";

    public static TheoryData<string> Samples => DockerFolder.Samples;

    [Fact]
    public async Task Verify_AllUnits_PassWithoutWarnings()
    {
        Assert.True(File.Exists(SystemdAnalyze), $"{SystemdAnalyze} is missing: install Debian's systemd package (tests/run does)");
        using var temp = new TempDirectory("cnm-units");
        var bin = temp.CreateDirectory("bin");
        var units = Directory.GetFiles(DockerFolder.Path("systemd")).Where(f => f.EndsWith(".service", StringComparison.Ordinal) || f.EndsWith(".socket", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["cnm-file-ipam.service", "cnm-file-ipam.socket", "cnm-sample-bridge.service", "cnm-sample-bridge.socket", "cnmd.service"],
            units.Select(Path.GetFileName));
        var copies = new List<string>();
        foreach (var unit in units)
        {
            var copy = temp.File(Path.GetFileName(unit));
            // The units start /usr/local/bin/X, which verify requires to exist: point them at stubs in the test's directory.
            await File.WriteAllTextAsync(copy, (await File.ReadAllTextAsync(unit)).Replace("/usr/local/bin/", bin + "/", StringComparison.Ordinal));
            copies.Add(copy);
        }

        foreach (var binary in units.SelectMany(u => File.ReadLines(u)).Where(l => l.StartsWith("ExecStart=", StringComparison.Ordinal)).Select(l => l["ExecStart=/usr/local/bin/".Length..].Split(' ')[0]))
        {
            var stub = Path.Combine(bin, binary);
            await File.WriteAllTextAsync(stub, "#!/bin/sh\n");
            File.SetUnixFileMode(stub, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var (exit, output) = await RunAsync(SystemdAnalyze, ["verify", "--man=no", .. copies]);

        Assert.True(exit == 0 && output.Trim().Length == 0, $"systemd-analyze verify exited {exit}:\n{output}");
    }

    [Fact]
    public void CnmdService_IsTypeNotifyAndStartsTheDaemonTheDockerfileInstalls()
    {
        var service = Unit("cnmd.service");

        Assert.Contains("Type=notify", service);
        Assert.Contains("ExecStart=/usr/local/bin/cnmd", service);
        Assert.Contains("COPY --from=build /out/cnmd /usr/local/bin/cnmd", File.ReadAllText(DockerFolder.Path("cnmd", "Dockerfile")), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task SocketUnit_Sample_ListensWhereConfigSaysAndTheServiceAnswersOnTheInheritedSocket(string folder)
    {
        var sample = DockerFolder.Get(folder);
        using var config = DockerFolder.Config(folder);
        var socketName = config.RootElement.GetProperty("interface").GetProperty("socket").GetString()!;
        var entrypoint = PluginConfigTests.Entrypoint(config.RootElement);
        var socketUnit = Unit(sample.Unit + ".socket");
        var serviceUnit = Unit(sample.Unit + ".service");

        Assert.Contains("ListenStream=/run/docker/plugins/" + socketName, socketUnit);
        var exec = serviceUnit.Single(l => l.StartsWith("ExecStart=", StringComparison.Ordinal))["ExecStart=".Length..].Split(' ');
        Assert.Equal(entrypoint[0], exec[0]);
        Assert.Equal(DockerFolder.Flag(entrypoint, "--name"), DockerFolder.Flag(exec, "--name"));

        // Start the service's command line as systemd would: the listening socket on fd 3, LISTEN_FDS=1.
        using var temp = new TempDirectory("cnm-units");
        var path = temp.File(socketName);
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(16);
        var fd = (int)listener.SafeHandle.DangerousGetHandle();
        Assert.Equal(0, fcntl(fd, FSetFd, 0)); // inheritable
        List<string> arguments = [.. exec.Skip(1), "--socket-dir", temp.File("never-used")];
        if (DockerFolder.Flag(exec, "--state") is not null)
        {
            arguments.AddRange(["--state", temp.File("state.json")]);
        }

        using var plugin = SampleProcess.Start(sample.Project, arguments, shell: $"exec 3<&{fd}; export LISTEN_PID=$$ LISTEN_FDS=1");
        using var client = new PluginClient(new PluginSpec("unit", new Uri("unix://" + path)),
            new PluginClientOptions { ConnectRetryBudget = TimeSpan.FromSeconds(30), CallTimeout = TimeSpan.FromSeconds(60) });
        ActivateResponse activate;
        try
        {
            activate = await client.CallAsync(PluginMethods.Activate, PluginJsonContext.Default.ActivateResponse, CancellationToken.None);
        }
        catch (Cnm.Plugins.PluginException ex)
        {
            throw new InvalidOperationException($"{ex.Message}; the plugin wrote:\n{plugin.Output}", ex);
        }

        Assert.Equal([sample.Implements], activate.Implements);
        Assert.False(Directory.Exists(temp.File("never-used")), "under socket activation the sample creates no socket of its own");
    }

    private const int FSetFd = 2;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fcntl(int fd, int command, int argument);

    private static string[] Unit(string name) => File.ReadAllLines(DockerFolder.Path("systemd", name));

    private static async Task<(int Exit, string Output)> RunAsync(string file, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
