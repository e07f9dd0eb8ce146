using Cnm.Core.Errors;
using Cnm.Protocol;
using Tmds.DBus.Protocol;

namespace Cnm.Linux.Firewall.Firewalld;

/// <summary>The zone, the bindings, and applying everything again when firewalld reloads or comes back.</summary>
public sealed partial class FirewalldBridgeFirewall
{
    private async Task WatchAsync()
    {
        _watches.Add(await _client.Connection.WatchSignalAsync(FirewalldClient.BusName, FirewalldClient.Path, "org.fedoraproject.FirewallD1", "Reloaded",
            (Notification n) =>
            {
                if (n.Type == NotificationType.Value)
                {
                    Reapply("reloaded");
                }
            }, ObserverFlags.None, false, null).ConfigureAwait(false));
        var owner = new MatchRule
        {
            Type = MessageType.Signal, Sender = "org.freedesktop.DBus", Path = "/org/freedesktop/DBus",
            Interface = "org.freedesktop.DBus", Member = "NameOwnerChanged", Arg0 = FirewalldClient.BusName,
        };
        _watches.Add(await _client.Connection.AddMatchAsync(owner,
            static (Message m, object? _) =>
            {
                var reader = m.GetBodyReader();
                reader.ReadString();
                reader.ReadString();
                return reader.ReadString();
            },
            (Notification<string> n) =>
            {
                if (!n.HasValue)
                {
                    return;
                }

                if (n.Value.Length == 0)
                {
                    _running = false;
                    LogGone(_logger);
                }
                else
                {
                    Reapply("started");
                }
            }, false, ObserverFlags.None, null).ConfigureAwait(false));
    }

    /// <summary>Starts applying everything again, off the bus's dispatch thread. Failures are logged and retried a few times.</summary>
    private void Reapply(string why) => _ = Task.Run(async () =>
    {
        for (var attempt = 1; attempt <= 20 && !_stopping.IsCancellationRequested; attempt++)
        {
            try
            {
                var started = DateTime.UtcNow;
                await LockedAsync(async () =>
                {
                    _running = true;
                    await EnsureZoneAsync().ConfigureAwait(false);
                    foreach (var rules in _networks.Values)
                    {
                        await _inner.ApplyNetworkAsync(rules, _stopping.Token).ConfigureAwait(false);
                        await BindAsync(rules.BridgeName).ConfigureAwait(false);
                    }

                    foreach (var ((network, endpoint), ports) in _ports)
                    {
                        await _inner.ApplyPortsAsync(network, endpoint, ports, _stopping.Token).ConfigureAwait(false);
                    }
                }, _stopping.Token).ConfigureAwait(false);
                Interlocked.Increment(ref _reapplies);
                LogReapplied(_logger, why, _networks.Count, (DateTime.UtcNow - started).TotalMilliseconds);
                return;
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is CnmException or ObjectDisposedException)
            {
                // firewalld takes its bus name before it is fully up: its first calls may fail; try again shortly.
                LogReapplyFailed(_logger, why, attempt, ex);
                await Task.Delay(250).ConfigureAwait(false);
            }
        }
    });

    /// <summary>Creates our zone and policy permanently when missing, then reloads so that they exist at runtime.</summary>
    private async Task EnsureZoneAsync()
    {
        var created = false;
        if (!(await _client.GetPermanentZonesAsync().ConfigureAwait(false) ?? []).Contains(Zone))
        {
            await _client.AddPermanentZoneAsync(Zone).ConfigureAwait(false);
            created = true;
        }

        try
        {
            if (!(await _client.GetPermanentPoliciesAsync().ConfigureAwait(false) ?? []).Contains(Policy))
            {
                await _client.AddPermanentPolicyAsync(Policy, Zone).ConfigureAwait(false);
                created = true;
            }
        }
        catch (FirewalldException ex) when (ex.Category is ErrorCategory.Internal)
        {
            LogNoPolicy(_logger, ex); // a firewalld before 0.9 has no policies; the zone alone still binds the bridges
        }

        if (created)
        {
            await _client.ReloadAsync().ConfigureAwait(false);
            LogZoneCreated(_logger, Zone);
        }
    }

    private async Task BindAsync(string bridge)
    {
        try
        {
            await _client.AddInterfaceAsync(Zone, bridge).ConfigureAwait(false);
        }
        catch (FirewalldException ex) when (ex.Code is "ZONE_CONFLICT" or "ZONE_ALREADY_SET")
        {
            await _client.ChangeZoneOfInterfaceAsync(Zone, bridge).ConfigureAwait(false); // bound to another zone: ours wins
        }
    }

    private async Task UnbindAsync(string bridge)
    {
        try
        {
            await _client.RemoveInterfaceAsync(Zone, bridge).ConfigureAwait(false);
        }
        catch (CnmException ex)
        {
            LogUnbindFailed(_logger, bridge, ex); // the rules are gone already; a stale binding is harmless and logged
        }
    }
}
