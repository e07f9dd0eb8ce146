using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Nerdbank.Streams;

namespace Cnm.Plugins.Testing.InMemory;

/// <summary>The server half of one in-memory connection, as Kestrel sees it.</summary>
internal sealed class InMemoryConnection : ConnectionContext
{
    private readonly Stream _stream;

    public InMemoryConnection(Stream stream, string id)
    {
        _stream = stream;
        ConnectionId = id;
        Transport = stream.UsePipe();
    }

    public override string ConnectionId { get; set; }

    public override IFeatureCollection Features { get; } = new FeatureCollection();

    public override IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();

    public override IDuplexPipe Transport { get; set; }

    public override void Abort(ConnectionAbortedException abortReason) => _stream.Dispose();

    public override async ValueTask DisposeAsync()
    {
        await Transport.Input.CompleteAsync().ConfigureAwait(false);
        await Transport.Output.CompleteAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
