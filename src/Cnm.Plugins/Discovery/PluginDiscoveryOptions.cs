namespace Cnm.Plugins.Discovery;

/// <summary>Where <see cref="PluginDiscovery"/> looks for plugins. Defaults are the reference host's (docs/reference-host.md §1.1).</summary>
public sealed class PluginDiscoveryOptions
{
    /// <summary>Directory of plugin sockets: <c>NAME.sock</c> and <c>NAME/NAME.sock</c>. Default <c>/run/docker/plugins</c>.</summary>
    public string SocketDirectory { get; set; } = "/run/docker/plugins";

    /// <summary>
    /// Directories of <c>.spec</c> and <c>.json</c> files, searched in order. Default
    /// <c>/etc/docker/plugins</c>, then <c>/usr/lib/docker/plugins</c>.
    /// </summary>
    public IList<string> SpecDirectories { get; } = ["/etc/docker/plugins", "/usr/lib/docker/plugins"];

    /// <summary>Throws when an option is out of range.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(SocketDirectory) || !Path.IsPathFullyQualified(SocketDirectory))
        {
            throw new ArgumentException($"SocketDirectory must be an absolute path, not \"{SocketDirectory}\"", nameof(SocketDirectory));
        }

        foreach (var directory in SpecDirectories)
        {
            if (string.IsNullOrWhiteSpace(directory) || !Path.IsPathFullyQualified(directory))
            {
                throw new ArgumentException($"every entry of SpecDirectories must be an absolute path, not \"{directory}\"",
                    nameof(SpecDirectories));
            }
        }
    }
}
