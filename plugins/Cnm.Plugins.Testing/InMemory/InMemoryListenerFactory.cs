using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;

namespace Cnm.Plugins.Testing.InMemory;

/// <summary>A Kestrel transport whose connections come from <see cref="InMemoryPluginTransport.ConnectAsync"/>.</summary>
internal sealed class InMemoryListenerFactory : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    public bool CanBind(EndPoint endpoint) => endpoint is InMemoryEndPoint;

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var transport = ((InMemoryEndPoint)endpoint).Transport;
        return ValueTask.FromResult<IConnectionListener>(new Listener(endpoint, transport.Accepted));
    }

    private sealed class Listener(EndPoint endpoint, Channel<ConnectionContext> accepted) : IConnectionListener
    {
        public EndPoint EndPoint { get; } = endpoint;

        public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
        {
            try
            {
                return await accepted.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ChannelClosedException or OperationCanceledException)
            {
                return null; // unbound
            }
        }

        public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
        {
            accepted.Writer.TryComplete();
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            accepted.Writer.TryComplete();
            return ValueTask.CompletedTask;
        }
    }
}
