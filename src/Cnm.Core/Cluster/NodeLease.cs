using System.Text.Json;
using Cnm.Core.Store;
using Microsoft.Extensions.Logging;

namespace Cnm.Core.Cluster;

/// <summary>
/// This node's membership key on a lease, renewed every third of the TTL; when the lease is found gone (the node
/// was cut off for longer than the TTL) a new one is granted and the key written again.
/// </summary>
internal sealed class NodeLease(ILeaseStore leases, ClusterMember self, ClusterMembershipOptions options, ILogger logger) : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _renewing;
    private long _leaseId;

    public long LeaseId => Interlocked.Read(ref _leaseId);

    /// <summary>Grants the lease and writes the key; then renews in the background.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await RegisterAsync(cancellationToken).ConfigureAwait(false);
        _renewing = Task.Run(() => RenewAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>Stops renewing; with <paramref name="revoke"/> the lease is revoked, so the key goes at once.</summary>
    public async Task StopAsync(bool revoke, CancellationToken cancellationToken)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_renewing is { } renewing)
        {
            await renewing.ConfigureAwait(false);
        }

        if (revoke && LeaseId != 0)
        {
            await leases.RevokeLeaseAsync(LeaseId, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _stop.Dispose();

    private async Task RegisterAsync(CancellationToken cancellationToken)
    {
        var lease = await leases.GrantLeaseAsync(options.LeaseTtl, cancellationToken).ConfigureAwait(false);
        var value = JsonSerializer.SerializeToUtf8Bytes(self, MembershipJsonContext.Default.ClusterMember);
        await leases.PutWithLeaseAsync(ClusterKeys.Node(self.Name), value, lease, StoreCondition.Any, cancellationToken).ConfigureAwait(false);
        Interlocked.Exchange(ref _leaseId, lease);
    }

    private async Task RenewAsync(CancellationToken stopping)
    {
        var interval = options.LeaseTtl / 3;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, stopping).ConfigureAwait(false);
                if (!await leases.KeepLeaseAliveAsync(LeaseId, stopping).ConfigureAwait(false))
                {
                    MembershipLog.LeaseLost(logger, self.Name);
                    await RegisterAsync(stopping).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                MembershipLog.LeaseRenewFailed(logger, self.Name, ex);
                try
                {
                    await Task.Delay(options.RetryDelay, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
