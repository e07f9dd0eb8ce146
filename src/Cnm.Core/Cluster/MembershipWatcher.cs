using System.Text.Json;
using Cnm.Core.Store;
using Microsoft.Extensions.Logging;

namespace Cnm.Core.Cluster;

/// <summary>
/// Turns the membership keys into joined and left events: a key that appears (or comes back with another address)
/// is a join, a key deleted (revoked or expired lease) is a leave. After a lost watch it lists again and reports the
/// difference, so no change is missed or reported twice. Events are delivered one at a time, in order.
/// </summary>
internal sealed class MembershipWatcher(IKeyValueStore store, Func<ClusterMember, bool, CancellationToken, Task> onChange,
    TimeSpan retryDelay, ILogger logger)
{
    private readonly Dictionary<string, ClusterMember> _members = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public IReadOnlyList<ClusterMember> Members
    {
        get
        {
            lock (_gate)
            {
                return [.. _members.Values.OrderBy(n => n.Name, StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Lists the members and reports the difference to what is known; returns the list's revision.</summary>
    public async Task<long> SyncAsync(CancellationToken cancellationToken)
    {
        var list = await store.ListAsync(ClusterKeys.Nodes, cancellationToken).ConfigureAwait(false);
        var seen = new Dictionary<string, ClusterMember>(StringComparer.Ordinal);
        foreach (var entry in list.Entries)
        {
            if (Parse(entry) is { } node)
            {
                seen[node.Name] = node;
            }
        }

        foreach (var gone in Members.Where(m => !seen.ContainsKey(m.Name)))
        {
            await ApplyAsync(gone.Name, null, cancellationToken).ConfigureAwait(false);
        }

        foreach (var node in seen.Values)
        {
            await ApplyAsync(node.Name, node, cancellationToken).ConfigureAwait(false);
        }

        return list.Revision;
    }

    /// <summary>Watches from <paramref name="revision"/> until cancelled, listing again after every failure.</summary>
    public async Task RunAsync(long revision, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await BlockingWork.LeaveEventThreadAsync(); // etcd's WatchAsync waits for its round trip before it returns
                await foreach (var change in store.WatchAsync(ClusterKeys.Nodes, revision, stopping).ConfigureAwait(false))
                {
                    var name = change.Key[ClusterKeys.Nodes.Length..];
                    await ApplyAsync(name, change.Type == WatchEventType.Put ? Parse(change.Entry) : null, stopping).ConfigureAwait(false);
                    revision = change.Revision;
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                MembershipLog.MembershipWatchFailed(logger, ex);
                revision = await ResyncAsync(stopping).ConfigureAwait(false);
            }
        }
    }

    private async Task<long> ResyncAsync(CancellationToken stopping)
    {
        while (true)
        {
            try
            {
                await Task.Delay(retryDelay, stopping).ConfigureAwait(false);
                return await SyncAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return 0;
            }
            catch (Exception ex)
            {
                MembershipLog.MembershipWatchFailed(logger, ex);
            }
        }
    }

    // A put of a known node with the same address is a renewal or a rewrite: nothing to report.
    private async Task ApplyAsync(string name, ClusterMember? now, CancellationToken cancellationToken)
    {
        ClusterMember? before;
        lock (_gate)
        {
            _members.TryGetValue(name, out before);
            if (now is null)
            {
                _members.Remove(name);
            }
            else
            {
                _members[name] = now;
            }
        }

        if (before is not null && (now is null || now.Address != before.Address))
        {
            await onChange(before, false, cancellationToken).ConfigureAwait(false);
        }

        if (now is not null && (before is null || now.Address != before.Address))
        {
            await onChange(now, true, cancellationToken).ConfigureAwait(false);
        }
    }

    private static ClusterMember? Parse(KeyValueEntry entry)
    {
        try
        {
            var node = JsonSerializer.Deserialize(entry.Value.Span, MembershipJsonContext.Default.ClusterMember);
            return node is not null && node.Name == entry.Key[ClusterKeys.Nodes.Length..] ? node : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
