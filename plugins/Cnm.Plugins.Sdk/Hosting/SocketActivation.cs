using System.Globalization;

namespace Cnm.Plugins.Sdk.Hosting;

/// <summary>
/// systemd socket activation (sd_listen_fds(3)): the listening sockets are inherited from fd 3 on, and
/// <c>LISTEN_PID</c> must name this process so that a child does not take its parent's sockets.
/// </summary>
public static class SocketActivation
{
    /// <summary>The first inherited descriptor (<c>SD_LISTEN_FDS_START</c>).</summary>
    public const int FirstDescriptor = 3;

    /// <summary>
    /// The number of sockets passed to this process, 0 when it was not socket-activated (no or another process's
    /// <c>LISTEN_PID</c>, no <c>LISTEN_FDS</c>).
    /// </summary>
    /// <exception cref="InvalidOperationException"><c>LISTEN_FDS</c> is set for this process but not a positive number.</exception>
    public static int ListenDescriptorCount()
    {
        var pid = Environment.GetEnvironmentVariable("LISTEN_PID");
        var fds = Environment.GetEnvironmentVariable("LISTEN_FDS");
        if (string.IsNullOrEmpty(pid) || string.IsNullOrEmpty(fds)
            || !int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var listenPid)
            || listenPid != Environment.ProcessId)
        {
            return 0;
        }

        if (!int.TryParse(fds, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count <= 0)
        {
            throw new InvalidOperationException(
                $"socket activation: LISTEN_FDS is \"{fds}\"; a positive number of inherited sockets is expected");
        }

        return count;
    }
}
