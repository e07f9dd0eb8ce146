using System.Globalization;
using System.Threading.Channels;
using Cnm.Plugins.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Nerdbank.Streams;

namespace Cnm.Plugins.Testing.InMemory;

/// <summary>
/// Serves an ASP.NET Core plugin (a <see cref="MockPlugin"/>, or one written with Cnm.Plugins.Sdk) with no socket:
/// each connection is a Nerdbank.Streams full-duplex pair, one half given to Kestrel, the other to the client
/// through <see cref="ConnectCallback"/>. The bytes on the pair are the HTTP/1.1 bytes a socket would carry.
/// </summary>
public sealed class InMemoryPluginTransport
{
    private long _connections;

    private InMemoryPluginTransport()
    {
    }

    /// <summary>The address a client uses for requests (its <c>Host</c> header is then the host's, <c>plugin.moby.localhost</c>).</summary>
    public Uri Address { get; } = new("unix:///in-memory/plugin.sock");

    /// <summary>Opens one connection; what is written to the stream reaches the plugin.</summary>
    public Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> ConnectCallback =>
        (_, ct) => ConnectAsync(ct);

    /// <summary>How many connections have been opened.</summary>
    public long ConnectionCount => Interlocked.Read(ref _connections);

    internal Channel<ConnectionContext> Accepted { get; } = Channel.CreateUnbounded<ConnectionContext>();

    /// <summary>Makes the application listen in memory (in addition to whatever else it listens on).</summary>
    public static InMemoryPluginTransport Listen(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var transport = new InMemoryPluginTransport();
        builder.Services.AddSingleton<IConnectionListenerFactory, InMemoryListenerFactory>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(new InMemoryEndPoint(transport), listen => listen.Protocols = HttpProtocols.Http1);
        });
        return transport;
    }

    /// <summary>Opens one connection and returns the client's half.</summary>
    public ValueTask<Stream> ConnectAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var (client, server) = FullDuplexStream.CreatePair();
        var id = "mem-" + Interlocked.Increment(ref _connections).ToString(CultureInfo.InvariantCulture);
        if (!Accepted.Writer.TryWrite(new InMemoryConnection(server, id)))
        {
            client.Dispose();
            server.Dispose();
            throw new IOException("the in-memory plugin is not running");
        }

        return ValueTask.FromResult(client);
    }

    /// <summary>A <see cref="PluginClient"/> that talks to the plugin through this transport.</summary>
    public PluginClient CreateClient(string name = "mock", PluginClientOptions? options = null)
    {
        options ??= new PluginClientOptions();
        options.ConnectCallback = ConnectCallback;
        return new PluginClient(new PluginSpec(name, Address), options);
    }
}
