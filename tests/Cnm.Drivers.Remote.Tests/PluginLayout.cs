using Cnm.Plugins.Discovery;
using Cnm.Testing;

namespace Cnm.Drivers.Remote.Tests;

/// <summary>
/// Private plugin directories under /tmp: <c>run</c> for sockets, <c>etc</c> and <c>lib</c> for spec files.
/// Tests never look at the machine's own plugin directories.
/// </summary>
internal sealed class PluginLayout : IDisposable
{
    private readonly TempDirectory _root = new("cnmr");

    public PluginLayout()
    {
        Sockets = _root.CreateDirectory("run");
        Etc = _root.CreateDirectory("etc");
        Lib = _root.CreateDirectory("lib");
    }

    public string Sockets { get; }

    public string Etc { get; }

    public string Lib { get; }

    public string SocketPath(string plugin) => Path.Combine(Sockets, plugin + ".sock");

    public PluginDiscovery Discovery()
    {
        var options = new PluginDiscoveryOptions { SocketDirectory = Sockets };
        options.SpecDirectories.Clear();
        options.SpecDirectories.Add(Etc);
        options.SpecDirectories.Add(Lib);
        return new PluginDiscovery(options);
    }

    public void Dispose() => _root.Dispose();
}
