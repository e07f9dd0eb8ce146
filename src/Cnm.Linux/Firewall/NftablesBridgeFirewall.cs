using Cnm.Core.Errors;
using Cnm.Protocol;

namespace Cnm.Linux.Firewall;

/// <summary>
/// The bridge driver's firewall in nftables, through libnftables (no nft process): our own <c>inet</c> table
/// (<c>inet cnm</c>) with four base chains and three chains per network. Every change is one JSON batch, which the
/// kernel applies atomically; rules are tagged with comments (<see cref="RuleTag"/>) and chains are named by network,
/// so removal takes exactly what was added. Removing the last network removes the table. See docs/firewall.md.
/// </summary>
public sealed partial class NftablesBridgeFirewall : IBridgeFirewall, IDisposable, IAsyncDisposable
{
    private const string Forward = "forward";
    private const string Postrouting = "postrouting";
    private const string Prerouting = "prerouting";
    private const string Output = "output";

    private readonly NftablesWorker _worker;
    private readonly string _table;
    private readonly SemaphoreSlim _gate = new(1, 1);

    private NftablesBridgeFirewall(NftablesWorker worker, string table)
    {
        _worker = worker;
        _table = table;
    }

    /// <summary>
    /// Loads libnftables and starts the firewall for the network namespace at <paramref name="hostNamespacePath"/>
    /// (null: the namespace of the calling thread). Unavailable when the library is missing.
    /// </summary>
    public static NftablesBridgeFirewall Create(string? hostNamespacePath, NftablesFirewallOptions? options = null)
    {
        options ??= new NftablesFirewallOptions();
        ArgumentException.ThrowIfNullOrEmpty(options.TableName);
        var lib = LibNftables.Load(options.LibraryName);
        return new NftablesBridgeFirewall(new NftablesWorker(lib, hostNamespacePath), options.TableName);
    }

    /// <inheritdoc />
    public async Task ApplyNetworkAsync(BridgeNetworkRules rules, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rules);
        Validate.NetworkId(rules.NetworkId);
        Validate.BridgeName(rules.BridgeName);
        await LockedAsync(async () =>
        {
            var current = await ReadAsync(cancellationToken).ConfigureAwait(false);
            var batch = new NftBatch(_table);
            EnsureBase(batch, current);
            DeleteJumps(batch, current, rules.NetworkId);
            AddNetwork(batch, rules);
            await RunAsync(batch, $"the rules of network {rules.NetworkId}", cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task RemoveNetworkAsync(string networkId, CancellationToken cancellationToken)
    {
        Validate.NetworkId(networkId);
        await LockedAsync(async () =>
        {
            var current = await ReadAsync(cancellationToken).ConfigureAwait(false);
            if (!current.Exists)
            {
                return;
            }

            var batch = new NftBatch(_table);
            var others = NetworkIds(current).Where(id => id != networkId).ToList();
            if (others.Count == 0)
            {
                batch.DeleteTable();
            }
            else
            {
                DeleteJumps(batch, current, networkId);
                foreach (var chain in NetworkChains(networkId).Where(current.Chains.Contains))
                {
                    batch.FlushChain(chain);
                    batch.DeleteChain(chain);
                }
            }

            if (batch.Count > 0)
            {
                await RunAsync(batch, $"the removal of network {networkId}", cancellationToken).ConfigureAwait(false);
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlySet<string>> ListNetworksAsync(CancellationToken cancellationToken)
    {
        IReadOnlySet<string> ids = new HashSet<string>();
        await LockedAsync(async () =>
        {
            ids = NetworkIds(await ReadAsync(cancellationToken).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        }, cancellationToken).ConfigureAwait(false);
        return ids;
    }

    /// <summary>Stops the worker thread (idempotent). The rules stay in the kernel.</summary>
    public void Dispose() => _worker.Dispose();

    /// <summary>As <see cref="Dispose"/>.</summary>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private static IEnumerable<string> NetworkIds(NftRuleset ruleset) =>
        ruleset.Chains.Where(c => c.StartsWith(FilterPrefix, StringComparison.Ordinal)).Select(c => c[FilterPrefix.Length..]);

    private async Task<NftRuleset> ReadAsync(CancellationToken cancellationToken)
    {
        var tables = await _worker.RunAsync("""{"nftables":[{"list":{"tables":null}}]}""", "list tables", cancellationToken).ConfigureAwait(false);
        if (!NftRuleset.HasTable(tables, _table))
        {
            return NftRuleset.Empty;
        }

        var list = "{\"nftables\":[{\"list\":{\"table\":" + NftExpr.Obj(("family", NftExpr.Str("inet")), ("name", NftExpr.Str(_table))) + "}}]}";
        return NftRuleset.Parse(await _worker.RunAsync(list, $"list table inet {_table}", cancellationToken).ConfigureAwait(false));
    }

    private Task<string> RunAsync(NftBatch batch, string what, CancellationToken cancellationToken) =>
        _worker.RunAsync(batch.ToString(), what, cancellationToken);

    private async Task LockedAsync(Func<Task> body, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await body().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static CnmException NotFound(string message) => new(ErrorCategory.NotFound, message);
}
