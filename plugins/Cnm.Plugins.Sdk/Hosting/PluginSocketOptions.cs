namespace Cnm.Plugins.Sdk.Hosting;

/// <summary>Options of <see cref="PluginHostingExtensions.ListenPluginSocket"/>.</summary>
public sealed class PluginSocketOptions
{
    /// <summary>The directory the host scans for plugin sockets.</summary>
    public const string DefaultDirectory = "/run/docker/plugins";

    /// <summary>
    /// Where <c>NAME.sock</c> is created. Default <see cref="DefaultDirectory"/>; created (mode 0755) when missing.
    /// Ignored when the name is an absolute path.
    /// </summary>
    public string Directory { get; set; } = DefaultDirectory;

    /// <summary>
    /// The socket's permissions. Default 0660: the owner (root, as the host runs) and <see cref="GroupId"/> may
    /// connect, nobody else.
    /// </summary>
    public UnixFileMode Mode { get; set; } =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite;

    /// <summary>The group given to the socket, or null (the default) to keep the process's group.</summary>
    public int? GroupId { get; set; }

    /// <summary>
    /// When true (the default) and the process was started by systemd socket activation (<c>LISTEN_PID</c> is
    /// this process, <c>LISTEN_FDS</c> at least 1), the plugin serves the inherited sockets and creates no file.
    /// </summary>
    public bool UseSocketActivation { get; set; } = true;
}
