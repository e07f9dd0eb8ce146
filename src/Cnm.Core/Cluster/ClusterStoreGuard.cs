using System.Runtime.CompilerServices;
using Cnm.Core.Errors;
using Cnm.Core.Store;
using Cnm.Protocol;

namespace Cnm.Core.Cluster;

/// <summary>
/// The cluster store as the controller uses it (spec/cluster.md, "Outage"): while the store is known to be unreachable,
/// every call fails at once as Unavailable, naming the store, instead of waiting out the client's retry budget again.
/// The first call that fails as Unavailable or Timeout marks the store down; a probe in the background reads one key
/// until the store answers, and the guard lets calls through again by itself. Conflicts and not-found errors are answers,
/// not outages. Watches pass through: they reconnect on their own.
/// </summary>
public sealed class ClusterStoreGuard : IKeyValueStore
{
    private const string ProbeKey = "cnm/v1/probe";
    private readonly IKeyValueStore _inner;
    private readonly TimeSpan _probeInterval;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private string? _downReason;
    private Task _probe = Task.CompletedTask;

    /// <summary>Guards <paramref name="inner"/>, named <paramref name="name"/> in errors (the endpoints, say); the caller keeps ownership of it.</summary>
    public ClusterStoreGuard(IKeyValueStore inner, string name, TimeSpan? probeInterval = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentException.ThrowIfNullOrEmpty(name);
        _inner = inner;
        Name = name;
        _probeInterval = probeInterval ?? TimeSpan.FromMilliseconds(250);
    }

    /// <summary>The store's name in errors.</summary>
    public string Name { get; }

    /// <summary>True while the store is known to be unreachable.</summary>
    public bool IsDown
    {
        get
        {
            lock (_gate)
            {
                return _downReason is not null;
            }
        }
    }

    /// <summary>Raised (on a pool thread) when the store answers again after an outage.</summary>
    public event Action? Recovered;

    /// <inheritdoc />
    public Task<KeyValueEntry?> GetAsync(string key, CancellationToken cancellationToken) => RunAsync(() => _inner.GetAsync(key, cancellationToken));

    /// <inheritdoc />
    public Task<KeyValueList> ListAsync(string prefix, CancellationToken cancellationToken) => RunAsync(() => _inner.ListAsync(prefix, cancellationToken));

    /// <inheritdoc />
    public Task<long> AtomicPutAsync(string key, ReadOnlyMemory<byte> value, StoreCondition condition, CancellationToken cancellationToken) =>
        RunAsync(() => _inner.AtomicPutAsync(key, value, condition, cancellationToken));

    /// <inheritdoc />
    public Task<long> AtomicDeleteAsync(string key, StoreCondition condition, CancellationToken cancellationToken) =>
        RunAsync(() => _inner.AtomicDeleteAsync(key, condition, cancellationToken));

    /// <inheritdoc />
    public Task<long> CommitAsync(StoreTransaction transaction, CancellationToken cancellationToken) =>
        RunAsync(() => _inner.CommitAsync(transaction, cancellationToken));

    /// <inheritdoc />
    public async IAsyncEnumerable<WatchEvent> WatchAsync(string prefix, long afterRevision, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var change in _inner.WatchAsync(prefix, afterRevision, cancellationToken).ConfigureAwait(false))
        {
            yield return change;
        }
    }

    /// <summary>Stops the probe; the inner store is the caller's to dispose.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _probe.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task<T> RunAsync<T>(Func<Task<T>> call)
    {
        string? reason;
        lock (_gate)
        {
            reason = _downReason;
        }

        if (reason is not null)
        {
            throw Down(reason);
        }

        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (CnmException ex) when (ex.Category is ErrorCategory.Unavailable or ErrorCategory.Timeout)
        {
            MarkDown(ex.Message);
            throw Down(ex.Message);
        }
    }

    private CnmException Down(string reason) =>
        CnmException.Unavailable($"cluster store {Name} is unreachable, so global-scope networks and endpoints cannot be changed now ({reason}); they work again by themselves once it is back");

    private void MarkDown(string reason)
    {
        lock (_gate)
        {
            if (_downReason is not null || _stop.IsCancellationRequested)
            {
                return;
            }

            _downReason = reason;
            _probe = Task.Run(ProbeAsync);
        }
    }

    private async Task ProbeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_probeInterval, _stop.Token).ConfigureAwait(false);
                await _inner.GetAsync(ProbeKey, _stop.Token).ConfigureAwait(false);
                lock (_gate)
                {
                    _downReason = null;
                }

                Recovered?.Invoke();
                return;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (CnmException)
            {
                // Still down: probe again.
            }
        }
    }
}
