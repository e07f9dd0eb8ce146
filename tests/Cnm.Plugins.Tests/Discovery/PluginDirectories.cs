using System.Net.Sockets;
using Cnm.Plugins.Discovery;
using Cnm.Testing;

namespace Cnm.Plugins.Tests.Discovery;

/// <summary>
/// A private plugin layout in a temp directory: <c>run</c> for sockets, <c>etc</c> and <c>lib</c> as the two
/// spec directories. Tests never look at the machine's own plugin directories.
/// </summary>
public sealed class PluginDirectories : IDisposable
{
    private readonly TempDirectory _root = new("cnmd");
    private readonly List<Socket> _sockets = [];

    public PluginDirectories(bool create = true)
    {
        Sockets = _root.File("run");
        Etc = _root.File("etc");
        Lib = _root.File("lib");
        if (create)
        {
            Directory.CreateDirectory(Sockets);
            Directory.CreateDirectory(Etc);
            Directory.CreateDirectory(Lib);
        }
    }

    public string Root => _root.Path;

    public string Sockets { get; }

    public string Etc { get; }

    public string Lib { get; }

    public PluginDiscoveryOptions Options()
    {
        var options = new PluginDiscoveryOptions { SocketDirectory = Sockets };
        options.SpecDirectories.Clear();
        options.SpecDirectories.Add(Etc);
        options.SpecDirectories.Add(Lib);
        return options;
    }

    public PluginDiscovery Discovery() => new(Options());

    /// <summary>A bound, listening unix socket at <paramref name="path"/> (no HTTP server behind it).</summary>
    public string BindSocket(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        socket.Listen();
        _sockets.Add(socket);
        return path;
    }

    public static string Write(string path, string contents)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, contents);
        return path;
    }

    public void Dispose()
    {
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        _root.Dispose();
    }
}
