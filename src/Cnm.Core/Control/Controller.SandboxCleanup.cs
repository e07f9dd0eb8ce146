using Cnm.Core.Errors;
using Cnm.Core.Model;

namespace Cnm.Core.Control;

public sealed partial class Controller
{
    /// <summary>
    /// Start-up clean-up of the sandboxes' operating-system side (issue 11 point 7; spec/linux-sandboxes.md,
    /// "Start-up clean-up"): a restored sandbox whose namespace vanished is deleted, its joined endpoints leaving
    /// first (they stay, as with any sandbox delete); then the provider removes the namespaces the state does not know.
    /// Both are logged. A failing delete is logged and start-up goes on.
    /// </summary>
    private async Task CleanUpSandboxesAsync(CancellationToken cancellationToken)
    {
        List<Sandbox> sandboxes;
        lock (_gate)
        {
            sandboxes = [.. _sandboxes.Values];
        }

        var known = new List<string>();
        foreach (var sandbox in sandboxes)
        {
            if (await _sandboxProvider.ExistsAsync(sandbox.Key, cancellationToken).ConfigureAwait(false))
            {
                known.Add(sandbox.Key);
                continue;
            }

            ControlLog.SandboxVanished(_logger, sandbox.Name, sandbox.Id[..12], sandbox.Key, sandbox.EndpointIds.Count);
            try
            {
                await DeleteSandboxAsync(sandbox.Id, cancellationToken).ConfigureAwait(false);
            }
            catch (CnmException ex)
            {
                known.Add(sandbox.Key);
                ControlLog.CleanupFailed(_logger, $"delete sandbox {sandbox.Name}, whose namespace {sandbox.Key} vanished", ex);
            }
        }

        foreach (var key in await _sandboxProvider.RemoveUnknownAsync(known, cancellationToken).ConfigureAwait(false))
        {
            ControlLog.UnknownSandboxRemoved(_logger, key);
        }
    }
}
