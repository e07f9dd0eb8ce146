using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cnm.Plugins.Sdk.Hosting;

/// <summary>Where a plugin listens: its unix socket, inherited systemd sockets, or TCP with a spec file.</summary>
public static class PluginHostingExtensions
{
    /// <summary>
    /// Serves the plugin on <c>DIRECTORY/NAME.sock</c> (default <c>/run/docker/plugins/NAME.sock</c>), where the
    /// host finds it by name. A stale socket left by a killed process is replaced; a socket another process still
    /// listens on, or a file that is no socket, makes start-up fail. The socket gets <see cref="PluginSocketOptions.Mode"/>
    /// (0660) and is removed at shutdown. Under systemd socket activation the inherited sockets are served instead.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The plugin name, or an absolute socket path (then only a spec file can point the host to it).</param>
    /// <param name="configure">Changes the options.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    public static WebApplicationBuilder ListenPluginSocket(this WebApplicationBuilder builder, string name,
        Action<PluginSocketOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new PluginSocketOptions();
        configure?.Invoke(options);
        var path = UnixSocketFile.PathFor(name, options.Directory);
        if (options.UseSocketActivation && builder.TryListenSocketActivation())
        {
            return builder;
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            UnixSocketFile.Prepare(path, Logger(kestrel.ApplicationServices));
            kestrel.ListenUnixSocket(path, listen => listen.Protocols = HttpProtocols.Http1);
        });
        builder.Services.AddHostedService(services =>
        {
            var logger = Logger(services);
            return new PluginListenerLifetime(
                started: () =>
                {
                    UnixSocketFile.Secure(path, options);
                    SdkLog.ListeningOnSocket(logger, path);
                },
                stopped: () => UnixSocketFile.Remove(path, logger));
        });
        return builder;
    }

    /// <summary>
    /// Serves the sockets passed by systemd socket activation (<c>LISTEN_PID</c>, <c>LISTEN_FDS</c>, from fd 3 on),
    /// when there are any.
    /// </summary>
    /// <returns>True when the process was socket-activated and the inherited sockets will be served.</returns>
    public static bool TryListenSocketActivation(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var count = SocketActivation.ListenDescriptorCount();
        if (count == 0)
        {
            return false;
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            for (var i = 0; i < count; i++)
            {
                kestrel.ListenHandle((ulong)(SocketActivation.FirstDescriptor + i), listen => listen.Protocols = HttpProtocols.Http1);
            }

            var logger = Logger(kestrel.ApplicationServices);
            SdkLog.SocketActivation(logger, count);
        });
        return true;
    }

    /// <summary>
    /// Serves the plugin on TCP and writes the spec file the host finds it by: <c>SPECDIR/NAME.spec</c> holding
    /// <c>tcp://HOST:PORT</c>, or with a certificate <c>SPECDIR/NAME.json</c> holding an <c>https://</c> address and
    /// a <c>TLSConfig</c>. The file names the real port (also when <see cref="PluginTcpOptions.Port"/> is 0), is
    /// written once the server listens and removed at shutdown.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The plugin name (the spec file's name without extension).</param>
    /// <param name="configure">Changes the options.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    public static WebApplicationBuilder ListenPluginTcp(this WebApplicationBuilder builder, string name,
        Action<PluginTcpOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.Contains('/', StringComparison.Ordinal) || Path.IsPathRooted(name))
        {
            throw new ArgumentException($"plugin name \"{name}\" must be a plain name", nameof(name));
        }

        var options = new PluginTcpOptions();
        configure?.Invoke(options);
        var spec = new SpecFile(name, options);
        ListenOptions? listener = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(options.Address, options.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                if (options.Certificate is { } certificate)
                {
                    listen.UseHttps(certificate);
                }

                listener = listen;
            });
        });
        builder.Services.AddHostedService(services =>
        {
            var logger = Logger(services);
            return new PluginListenerLifetime(
                started: () =>
                {
                    var bound = listener?.IPEndPoint
                        ?? throw new InvalidOperationException($"the TCP listener of plugin {name} did not start");
                    spec.Write(bound, logger);
                },
                stopped: () => spec.Remove(logger));
        });
        return builder;
    }

    private static ILogger Logger(IServiceProvider services) =>
        services.GetRequiredService<ILoggerFactory>().CreateLogger("Cnm.Plugins.Sdk.Hosting");
}
