using Cnm.Testing;

namespace Cnm.Daemon.Tests;

/// <summary>
/// Set-up shared by tests that start and stop their own cnmd on one data root: temp directories, the daemon's
/// arguments, and a mock network plugin in the plugin directory.
/// </summary>
public abstract class StatefulDaemonTest(string tempPrefix, string pluginName) : IAsyncLifetime
{
    /// <summary>The mock plugin's name, usable as a network driver.</summary>
    protected string Plugin { get; } = pluginName;

    protected TempDirectory Temp { get; } = new(tempPrefix);

    protected PluginServer PluginServer { get; private set; } = null!;

    protected string Socket => Temp.File("run", "cnmd.sock");

    protected string DataRoot => Temp.File("data");

    protected string StateFile => Path.Combine(DataRoot, "cnm.db");

    protected IEnumerable<string> Args =>
    [
        "--host", "unix://" + Socket,
        "--plugin-dir", Temp.CreateDirectory("plugins"),
        "--spec-dir", Temp.CreateDirectory("specs"),
        "--data-root", DataRoot,
        "--exec-root", Temp.File("exec"),
    ];

    public async Task InitializeAsync()
    {
        Temp.CreateDirectory("plugins");
        PluginServer = await PluginServer.StartUnixAsync(Temp.File("plugins", Plugin + ".sock"), s => s
            .Implements("NetworkDriver")
            .Map("NetworkDriver.GetCapabilities", PluginReply.Json("""{"Scope":"local"}"""))
            .Map("NetworkDriver.CreateNetwork", PluginReply.Json("{}"))
            .Map("NetworkDriver.DeleteNetwork", PluginReply.Json("{}"))
            .Map("NetworkDriver.CreateEndpoint", PluginReply.Json("{}"))
            .Map("NetworkDriver.DeleteEndpoint", PluginReply.Json("{}"))
            .Map("NetworkDriver.Join", PluginReply.Json("{}"))
            .Map("NetworkDriver.Leave", PluginReply.Json("{}")));
    }

    public async Task DisposeAsync()
    {
        await PluginServer.DisposeAsync();
        Temp.Dispose();
    }
}
