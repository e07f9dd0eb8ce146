namespace Cnm.Cli.Tests;

/// <summary>One cnmd on temp paths with a mock network plugin and a slow one, plus cnm and the docker CLI against it.</summary>
public sealed class CliFixture : IAsyncLifetime
{
    public const string MockPlugin = "mockp";

    /// <summary>A network plugin whose CreateNetwork takes 2 s.</summary>
    public const string SlowPlugin = "slowp";

    public TempDirectory Temp { get; } = new("cnmcli");

    public string SocketPath => Temp.File("cnmd.sock");

    public DaemonProcess Daemon { get; private set; } = null!;

    public CnmCli Cnm { get; private set; } = null!;

    public DockerCli Docker { get; private set; } = null!;

    private PluginServer? _plugin;
    private PluginServer? _slow;

    public async Task InitializeAsync()
    {
        var plugins = Temp.CreateDirectory("plugins");
        Temp.CreateDirectory("specs");
        _plugin = await PluginServer.StartUnixAsync(Path.Combine(plugins, MockPlugin + ".sock"), s => s
            .Implements("NetworkDriver")
            .Map("NetworkDriver.GetCapabilities", PluginReply.Json("""{"Scope":"local"}"""))
            .Map("NetworkDriver.CreateNetwork", PluginReply.Json("{}"))
            .Map("NetworkDriver.DeleteNetwork", PluginReply.Json("{}"))
            .Map("NetworkDriver.CreateEndpoint", PluginReply.Json("{}"))
            .Map("NetworkDriver.DeleteEndpoint", PluginReply.Json("{}"))
            .Map("NetworkDriver.Join", PluginReply.Json("{}"))
            .Map("NetworkDriver.Leave", PluginReply.Json("{}")));
        _slow = await PluginServer.StartUnixAsync(Path.Combine(plugins, SlowPlugin + ".sock"), s => s
            .Implements("NetworkDriver")
            .Map("NetworkDriver.GetCapabilities", PluginReply.Json("""{"Scope":"local"}"""))
            .Map("NetworkDriver.CreateNetwork", PluginReply.Json("{}") with { Delay = TimeSpan.FromSeconds(2) })
            .Map("NetworkDriver.DeleteNetwork", PluginReply.Json("{}")));
        Daemon = DaemonProcess.Start(
        [
            "--host", "unix://" + SocketPath,
            "--plugin-dir", plugins,
            "--spec-dir", Temp.File("specs"),
            "--data-root", Temp.File("data"),
            "--exec-root", Temp.File("exec"),
        ]);
        await Daemon.WaitReadyAsync();
        Cnm = new CnmCli(SocketPath);
        Docker = new DockerCli(SocketPath, Temp.CreateDirectory("docker-config"));
    }

    /// <summary>Runs cnm and asserts exit code 0, showing cnmd's stderr when it is not.</summary>
    public async Task<CnmCli.Result> OkAsync(params string[] args)
    {
        var result = await Cnm.RunAsync(args);
        Assert.True(result.ExitCode == 0, $"cnm {string.Join(' ', args)} failed: {result}\ncnmd stderr:\n{Daemon.Stderr}");
        return result;
    }

    /// <summary>Runs cnm and asserts the exit code and an empty stdout.</summary>
    public async Task<CnmCli.Result> FailsAsync(int exitCode, params string[] args)
    {
        var result = await Cnm.RunAsync(args);
        Assert.True(result.ExitCode == exitCode, $"cnm {string.Join(' ', args)} should fail with rc {exitCode}: {result}");
        Assert.Equal("", result.Stdout);
        return result;
    }

    public async Task DisposeAsync()
    {
        Daemon?.Dispose();
        if (_plugin is not null)
        {
            await _plugin.DisposeAsync();
        }

        if (_slow is not null)
        {
            await _slow.DisposeAsync();
        }

        Temp.Dispose();
    }
}
