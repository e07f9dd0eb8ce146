using Cnm.Plugins.Client;
using Cnm.Testing;

namespace Cnm.Plugins.Tests.Client;

/// <summary>A temp directory, a plugin server on a unix socket in it, and a client for that server.</summary>
internal sealed class ClientFixture : IAsyncDisposable
{
    private ClientFixture(TempDirectory dir, PluginServer server, PluginClient client)
    {
        Dir = dir;
        Server = server;
        Client = client;
    }

    public TempDirectory Dir { get; }

    public PluginServer Server { get; }

    public PluginClient Client { get; }

    public static async Task<ClientFixture> StartAsync(Action<PluginServer> configure, PluginClientOptions? options = null)
    {
        var dir = new TempDirectory();
        var server = await PluginServer.StartUnixAsync(dir.File("p.sock"), configure);
        var client = new PluginClient(new PluginSpec("p", server.Address), options);
        return new ClientFixture(dir, server, client);
    }

    public Task<NetReply> CallNetAsync(string method = "NetworkDriver.Probe", CancellationToken cancellationToken = default) =>
        Client.CallAsync(method, new Ask("n1"), TestJsonContext.Default.Ask, TestJsonContext.Default.NetReply, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        Dir.Dispose();
    }
}
