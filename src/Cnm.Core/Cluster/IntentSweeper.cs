using System.Text;
using System.Text.Json;
using Cnm.Core.Errors;
using Cnm.Core.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cnm.Core.Cluster;

/// <summary>
/// Settles the global intents of a node that is gone (spec/cluster-membership.md, "Sweep"): each intent is first
/// fenced (rewritten as settling, so its owner, should it still run, can neither claim nor complete any more), then
/// every claim still holding the intent's token is deleted, then the intent. An intent whose owner key exists has
/// completed; its claims are kept. Every step is conditional, so any number of nodes may sweep the same node at once.
/// </summary>
public sealed class IntentSweeper(IKeyValueStore store, ILogger? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    /// <summary>
    /// Settles every intent of <paramref name="node"/>. With <paramref name="onlyIfGone"/>, nothing is done while the
    /// node's membership key exists (it is alive, or its lease has not expired yet). Returns the claims released.
    /// </summary>
    public async Task<int> SweepNodeAsync(string node, bool onlyIfGone, CancellationToken cancellationToken)
    {
        ClusterKeys.ValidateNodeName(node);
        if (onlyIfGone && await store.GetAsync(ClusterKeys.Node(node), cancellationToken).ConfigureAwait(false) is not null)
        {
            return 0;
        }

        var released = 0;
        var intents = await store.ListAsync(ClusterKeys.IntentsOf(node), cancellationToken).ConfigureAwait(false);
        foreach (var entry in intents.Entries)
        {
            released += await SettleAsync(node, entry, cancellationToken).ConfigureAwait(false);
        }

        return released;
    }

    /// <summary>Sweeps every node that has intents but no membership key; returns the claims released.</summary>
    public async Task<int> SweepGoneNodesAsync(CancellationToken cancellationToken)
    {
        var intents = await store.ListAsync(ClusterKeys.Intents, cancellationToken).ConfigureAwait(false);
        var nodes = intents.Entries.Select(e => e.Key[ClusterKeys.Intents.Length..].Split('/')[0]).Distinct(StringComparer.Ordinal).ToList();
        var released = 0;
        foreach (var node in nodes)
        {
            try
            {
                released += await SweepNodeAsync(node, onlyIfGone: true, cancellationToken).ConfigureAwait(false);
            }
            catch (CnmException ex)
            {
                MembershipLog.SweepFailed(_logger, node, ex);
            }
        }

        return released;
    }

    private async Task<int> SettleAsync(string node, KeyValueEntry entry, CancellationToken cancellationToken)
    {
        var current = entry;
        GlobalIntent intent;
        while (true)
        {
            intent = Parse(current) ?? new GlobalIntent("", node, "unreadable", "", [], Settling: true);
            if (intent.Settling)
            {
                break;
            }

            try
            {
                var fenced = intent with { Settling = true };
                var revision = await store.AtomicPutAsync(current.Key, GlobalIntentJournal.Serialize(fenced), StoreCondition.ModRevisionIs(current.ModRevision), cancellationToken).ConfigureAwait(false);
                intent = fenced;
                current = current with { ModRevision = revision };
                break;
            }
            catch (StoreConflictException)
            {
                // The owner wrote it meanwhile (a claim, or completion): read it again.
                if (await store.GetAsync(current.Key, cancellationToken).ConfigureAwait(false) is not { } again)
                {
                    return 0;
                }

                current = again;
            }
        }

        var completed = intent.Owner.Length > 0 && await store.GetAsync(intent.Owner, cancellationToken).ConfigureAwait(false) is not null;
        var released = 0;
        if (!completed)
        {
            foreach (var claim in intent.Claims)
            {
                if (await store.GetAsync(claim, cancellationToken).ConfigureAwait(false) is { } held
                    && Encoding.UTF8.GetString(held.Value.Span) == intent.Token
                    && await TryDeleteAsync(claim, held.ModRevision, cancellationToken).ConfigureAwait(false))
                {
                    released++;
                }
            }
        }

        await TryDeleteAsync(current.Key, current.ModRevision, cancellationToken).ConfigureAwait(false);
        MembershipLog.IntentSwept(_logger, intent.Id, intent.Operation, node, released, completed ? intent.Claims.Count : 0);
        return released;
    }

    // Another sweeper may have got there first: a conflict or a missing key means the work is done.
    private async Task<bool> TryDeleteAsync(string key, long modRevision, CancellationToken cancellationToken)
    {
        try
        {
            await store.AtomicDeleteAsync(key, StoreCondition.ModRevisionIs(modRevision), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (CnmException e) when (e is StoreConflictException || e.Category == Protocol.ErrorCategory.NotFound)
        {
            return false;
        }
    }

    private static GlobalIntent? Parse(KeyValueEntry entry)
    {
        try
        {
            return JsonSerializer.Deserialize(entry.Value.Span, MembershipJsonContext.Default.GlobalIntent);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
