using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace Cnm.Plugins.Testing.InMemory;

/// <summary>
/// The server half of one in-memory connection, as Kestrel sees it. A pump copies what the client writes into the
/// input pipe; when the client closes its half, <c>ConnectionClosed</c> fires, as a socket transport does on
/// FIN, so that Kestrel aborts a request still running (a hung handler sees <c>RequestAborted</c>).
/// </summary>
internal sealed class InMemoryConnection : ConnectionContext
{
    private readonly Stream _stream;
    private readonly Pipe _input = new();
    private readonly CancellationTokenSource _closed = new();
    private readonly Task _pump;

    public InMemoryConnection(Stream stream, string id)
    {
        _stream = stream;
        ConnectionId = id;
        ConnectionClosed = _closed.Token;
        Transport = new DuplexPipe(_input.Reader, PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true)));
        _pump = PumpAsync();
    }

    public override string ConnectionId { get; set; }

    public override IFeatureCollection Features { get; } = new FeatureCollection();

    public override IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();

    public override IDuplexPipe Transport { get; set; }

    public override void Abort(ConnectionAbortedException abortReason)
    {
        _stream.Dispose();
        Close();
    }

    public override async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync().ConfigureAwait(false);
        Close();
        await _pump.ConfigureAwait(false);
        _closed.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private async Task PumpAsync()
    {
        try
        {
            while (true)
            {
                var memory = _input.Writer.GetMemory(4096);
                var read = await _stream.ReadAsync(memory).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                _input.Writer.Advance(read);
                var flushed = await _input.Writer.FlushAsync().ConfigureAwait(false);
                if (flushed.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
        {
        }

        await _input.Writer.CompleteAsync().ConfigureAwait(false);
        Close();
    }

    private void Close()
    {
        try
        {
            _closed.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
