using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Cnm.Core.Store;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;

namespace Cnm.Store.Etcd;

/// <summary>
/// One <see cref="EtcdKeyValueStore.WatchAsync"/>: an etcd watch stream pumped into a bounded buffer.
/// When the stream breaks (a member dies, the connection drops) it is opened again from the revision
/// after the last event delivered, so nothing is lost or repeated; a revision etcd compacted in the
/// meantime ends the watch with <see cref="StoreWatchLostException"/>.
/// </summary>
internal sealed class EtcdWatch
{
    private readonly EtcdKeyValueStore _store;
    private readonly ByteString _key;
    private readonly ByteString _rangeEnd;
    private readonly Channel<WatchEvent> _events = Channel.CreateUnbounded<WatchEvent>();
    private readonly TaskCompletionSource _created = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop;
    private long _nextRevision;
    private StoreWatchLostException? _failure;

    public EtcdWatch(EtcdKeyValueStore store, string prefix, ByteString key, ByteString rangeEnd, long afterRevision)
    {
        _store = store;
        Prefix = prefix;
        _key = key;
        _rangeEnd = rangeEnd;
        _nextRevision = afterRevision + 1;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(store.Closed);
    }

    public string Prefix { get; }

    /// <summary>Checks that etcd still keeps the revision, then opens the stream and waits until etcd has created the watch.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await CheckKeptAsync(cancellationToken).ConfigureAwait(false);
        _ = Task.Run(PumpAsync, CancellationToken.None);
        var budget = _store.Options.RetryBudget + _store.Options.RequestTimeout;
        try
        {
            await _created.Task.WaitAsync(budget, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Stop();
            throw Cnm.Core.Errors.CnmException.Unavailable($"etcd store {_store.Name} is unreachable: could not watch \"{Prefix}\" within {budget.TotalSeconds:0.#} s");
        }
        catch
        {
            Stop();
            throw;
        }
    }

    /// <summary>The events, until the token is cancelled (a normal end) or the watch is lost.</summary>
    public async IAsyncEnumerable<WatchEvent> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            while (await WaitAsync(cancellationToken).ConfigureAwait(false))
            {
                while (_events.Reader.TryRead(out var change))
                {
                    yield return change;
                }
            }

            if (_failure is { } failure && !cancellationToken.IsCancellationRequested)
            {
                throw failure;
            }
        }
        finally
        {
            Stop();
        }
    }

    /// <summary>Ends the watch with <paramref name="error"/> after what is buffered.</summary>
    public void Fail(StoreWatchLostException error)
    {
        _failure ??= error;
        _events.Writer.TryComplete(error);
        _created.TrySetException(error);
        _stop.Cancel();
    }

    private void Stop()
    {
        _events.Writer.TryComplete();
        _stop.Cancel();
        _store.Forget(this);
    }

    private async ValueTask<bool> WaitAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _events.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (StoreWatchLostException) when (_failure is not null)
        {
            return false;
        }
    }

    // A Range at the first revision wanted fails as "compacted" exactly when the watch would.
    private async Task CheckKeptAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _store.RetryAsync(
                $"watch \"{Prefix}\"",
                call => _store.KvClient.RangeAsync(new RangeRequest { Key = _key, Revision = _nextRevision, CountOnly = true }, call).ResponseAsync,
                cancellationToken).ConfigureAwait(false);
        }
        catch (Cnm.Core.Errors.CnmException e) when (e.InnerException is RpcException rpc && EtcdErrors.IsFutureRevision(rpc))
        {
            // Watching from the next revision: nothing to replay.
        }
        catch (Cnm.Core.Errors.CnmException e) when (e.InnerException is RpcException rpc && EtcdErrors.IsCompacted(rpc))
        {
            throw new StoreWatchLostException(string.Create(
                CultureInfo.InvariantCulture,
                $"cannot watch \"{Prefix}\" after revision {_nextRevision - 1}: etcd compacted its history past it, so those changes are no longer kept; list again and watch after the list's revision"));
        }
    }

    private async Task PumpAsync()
    {
        var options = _store.Options;
        var delay = options.RetryDelay;
        long? brokenSince = null;
        string? lastError = null;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                using var call = _store.WatchClient.Watch(new CallOptions(cancellationToken: _stop.Token));
                await call.RequestStream.WriteAsync(new WatchRequest
                {
                    CreateRequest = new WatchCreateRequest { Key = _key, RangeEnd = _rangeEnd, StartRevision = _nextRevision },
                }, _stop.Token).ConfigureAwait(false);
                while (await call.ResponseStream.MoveNext(_stop.Token).ConfigureAwait(false))
                {
                    if (!Handle(call.ResponseStream.Current))
                    {
                        return;
                    }

                    brokenSince = null;
                    delay = options.RetryDelay;
                }

                lastError = "etcd ended the watch stream";
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is RpcException or IOException or HttpRequestException or InvalidOperationException)
            {
                lastError = e is RpcException rpc ? rpc.Status.Detail : e.Message;
            }

            brokenSince ??= Stopwatch.GetTimestamp();
            if (Stopwatch.GetElapsedTime(brokenSince.Value) > options.WatchReconnectBudget)
            {
                Fail(new StoreWatchLostException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"watch on \"{Prefix}\" lost etcd store {_store.Name} for more than {options.WatchReconnectBudget.TotalSeconds:0.#} s ({lastError}); list again and watch after the list's revision")));
                return;
            }

            try
            {
                await Task.Delay(delay, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = EtcdKeyValueStore.NextDelay(delay);
        }
    }

    // False once the watch has ended (compacted, cancelled by etcd, or the reader fell behind).
    private bool Handle(WatchResponse response)
    {
        if (response.Created)
        {
            _created.TrySetResult();
        }

        if (response.CompactRevision != 0)
        {
            Fail(new StoreWatchLostException(string.Create(
                CultureInfo.InvariantCulture,
                $"watch on \"{Prefix}\" cannot resume after revision {_nextRevision - 1}: etcd compacted its history up to revision {response.CompactRevision}, so those changes are no longer kept; list again and watch after the list's revision")));
            return false;
        }

        if (response.Canceled)
        {
            Fail(new StoreWatchLostException($"etcd store {_store.Name} cancelled the watch on \"{Prefix}\" ({response.CancelReason}); list again and watch after the list's revision"));
            return false;
        }

        var capacity = _store.Options.Store.WatchBufferCapacity;
        foreach (var change in response.Events)
        {
            if (_events.Reader.Count >= capacity)
            {
                Fail(new StoreWatchLostException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"watch on \"{Prefix}\" fell behind: {capacity} events were pending at revision {change.Kv.ModRevision}; list again and watch after the list's revision")));
                return false;
            }

            _events.Writer.TryWrite(ToEvent(change));
        }

        // etcd never splits one revision over two responses: resume after the last one seen.
        if (response.Events.Count > 0)
        {
            _nextRevision = response.Events[^1].Kv.ModRevision + 1;
        }

        return true;
    }

    private WatchEvent ToEvent(Mvccpb.Event change) =>
        change.Type == Mvccpb.Event.Types.EventType.Delete
            ? new WatchEvent(WatchEventType.Delete, new KeyValueEntry(_store.StoreKey(change.Kv.Key), ReadOnlyMemory<byte>.Empty, 0, change.Kv.ModRevision, 0))
            : new WatchEvent(WatchEventType.Put, _store.ToEntry(change.Kv));
}
