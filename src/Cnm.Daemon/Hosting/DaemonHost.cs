namespace Cnm.Daemon.Hosting;

/// <summary>
/// The composition root: options and start-up checks, the controller over the built-in and remote driver
/// modules, the plugin watcher, and the API on its unix sockets and TLS ports. Prints <c>cnmd ready on unix://…</c>
/// (every address, comma-separated) to stdout once they are listening (and tells systemd); logs go to stderr.
/// </summary>
internal static partial class DaemonHost
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            await Console.Out.WriteLineAsync(DaemonConfiguration.Usage).ConfigureAwait(false);
            return 0;
        }

        if (args.Contains(StoreCheck.Flag))
        {
            return await CheckAsync([.. args.Where(a => a != StoreCheck.Flag)]).ConfigureAwait(false);
        }

        DaemonOptions options;
        IConfiguration configuration;
        IReadOnlyList<ListenAddress> listeners;
        TlsMaterial? tls = null;
        var sockets = new List<System.Net.Sockets.Socket>();
        var boundPaths = new List<string>();
        try
        {
            (configuration, options) = DaemonConfiguration.Load(args);
            options.Validate();
            listeners = options.Listeners;

            // Everything that can refuse bad input runs before Preflight changes anything on disk.
            var groupId = UnixGroup.Resolve(options.Group);
            if (listeners.Any(l => l.SocketPath is null))
            {
                tls = TlsMaterial.Load(options);
            }

            SandboxSetup.CheckPrivileges(options);
            Preflight.Run(options);
            foreach (var path in options.SocketPaths)
            {
                sockets.Add(UnixSocketBinder.Bind(path, groupId));
                boundPaths.Add(path);
            }
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            Release(sockets, boundPaths);
            tls?.Dispose();
            await Console.Error.WriteLineAsync($"cnmd: error: {ex.Message}").ConfigureAwait(false);
            return 1;
        }

        using var tlsLifetime = tls;
        try
        {
            return await ServeAsync(configuration, options, listeners, sockets, tls).ConfigureAwait(false);
        }
        finally
        {
            Release(sockets, boundPaths);
        }
    }

    /// <summary>
    /// Closes the sockets this cnmd bound and removes their files, also when start-up failed after binding (a
    /// store that cannot be opened), so that a refused start leaves no socket behind.
    /// </summary>
    private static void Release(List<System.Net.Sockets.Socket> sockets, List<string> paths)
    {
        foreach (var bound in sockets)
        {
            bound.Dispose();
        }

        foreach (var path in paths)
        {
            TryDelete(path);
        }
    }

    private static async Task<int> CheckAsync(string[] args)
    {
        DaemonOptions options;
        try
        {
            (_, options) = DaemonConfiguration.Load(args);
            options.Validate();
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"cnmd: error: {ex.Message}").ConfigureAwait(false);
            return 2;
        }

        return await StoreCheck.RunAsync(options, Console.Out, Console.Error).ConfigureAwait(false);
    }

    private static void TryDelete(string socket)
    {
        try
        {
            File.Delete(socket);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Nothing to do: the next start removes a stale socket.
        }
    }
}
