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

    private readonly DaemonLayout _layout = new(tempPrefix);

    protected TempDirectory Temp => _layout.Temp;

    protected PluginServer PluginServer { get; private set; } = null!;

    protected string Socket => _layout.Socket;

    protected string DataRoot => _layout.DataRoot;

    protected string StateFile => _layout.StateFile;

    protected IEnumerable<string> Args => _layout.Args;

    public async Task InitializeAsync()
    {
        PluginServer = await PluginServer.StartUnixAsync(Path.Combine(_layout.PluginDir, Plugin + ".sock"), s => s
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
        _layout.Dispose();
    }
}
