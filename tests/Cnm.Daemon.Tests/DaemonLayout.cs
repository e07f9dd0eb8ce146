using Cnm.Testing;

namespace Cnm.Daemon.Tests;

/// <summary>
/// The temp directories of a test's own cnmd (API socket, plugin and spec directories, data and exec roots) and
/// the arguments that point cnmd at them, so restarts of that cnmd find the same state.
/// </summary>
public sealed class DaemonLayout(string tempPrefix) : IDisposable
{
    public TempDirectory Temp { get; } = new(tempPrefix);

    public string Socket => Temp.File("run", "cnmd.sock");

    /// <summary>The plugin socket directory (created).</summary>
    public string PluginDir => Temp.CreateDirectory("plugins");

    public string DataRoot => Temp.File("data");

    public string StateFile => Path.Combine(DataRoot, "cnm.db");

    public IEnumerable<string> Args =>
    [
        "--host", "unix://" + Socket,
        "--plugin-dir", PluginDir,
        "--spec-dir", Temp.CreateDirectory("specs"),
        "--data-root", DataRoot,
        "--exec-root", Temp.File("exec"),
    ];

    public void Dispose() => Temp.Dispose();
}
