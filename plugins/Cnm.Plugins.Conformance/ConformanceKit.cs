using System.Diagnostics;
using Cnm.Plugins.Conformance.Checks;

namespace Cnm.Plugins.Conformance;

/// <summary>
/// Drives a plugin (in any language) through the protocol as the host uses it and reports each check as pass, warn,
/// fail or skip, with a reason and a hint. Safe against a live plugin: every object it creates has IDs starting with
/// <see cref="ConformanceOptions.Prefix"/>, and it deletes them afterwards.
/// </summary>
public static class ConformanceKit
{
    private static readonly (string Id, string Title, Func<CheckContext, CancellationToken, Task<Verdict>> Run)[] All =
    [
        ("activate", "Plugin.Activate lists the implemented interfaces", ActivationChecks.ActivateAsync),
        ("network.capabilities", "GetCapabilities gives a valid Scope and ConnectivityScope", ActivationChecks.CapabilitiesAsync),
        ("network.create-delete", "networks are created and deleted, with and without IPv6 data", NetworkChecks.CreateDeleteAsync),
        ("network.delete-idempotent", "deleting a network that is gone succeeds", NetworkChecks.DeleteIdempotentAsync),
        ("endpoint.preset-interface", "an endpoint whose addresses the host set gets no Interface back", NetworkChecks.PresetInterfaceAsync),
        ("endpoint.join-leave", "Join answers a usable interface, gateways and routes; Leave succeeds", NetworkChecks.JoinLeaveAsync),
        ("ipam.address-spaces", "GetDefaultAddressSpaces names both spaces", IpamChecks.AddressSpacesAsync),
        ("ipam.pool-address", "pools and addresses are handed out and released, twice over", IpamChecks.PoolAndAddressAsync),
        ("ipam.exhaustion", "an exhausted pool refuses more addresses", IpamChecks.ExhaustionAsync),
        ("errors.malformed-body", "a malformed body gets 4xx and does not kill the plugin", ErrorChecks.MalformedBodyAsync),
        ("errors.unknown-ids", "unknown IDs get an error with a message", ErrorChecks.UnknownIdsAsync),
        ("concurrency", "concurrent calls all succeed", NetworkChecks.ConcurrencyAsync),
    ];

    /// <summary>The identifiers of every check, in the order they run.</summary>
    public static IReadOnlyList<string> CheckIds { get; } = [.. All.Select(c => c.Id)];

    /// <summary>Runs every check against the plugin at <paramref name="spec"/>.</summary>
    /// <param name="spec">Where the plugin is (unix, tcp, http or https).</param>
    /// <param name="options">Options; null for the defaults.</param>
    /// <param name="progress">Told "[n/12] id" before each check, for a progress line.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public static async Task<ConformanceReport> RunAsync(PluginSpec spec, ConformanceOptions? options = null,
        IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        options ??= new ConformanceOptions();
        using var plugin = new RawPlugin(spec, options);
        var context = new CheckContext(plugin, options);
        var results = new List<CheckResult>();
        for (var i = 0; i < All.Length; i++)
        {
            var (id, title, run) = All[i];
            progress?.Report($"[{i + 1}/{All.Length}] {id}");
            var watch = Stopwatch.StartNew();
            Verdict verdict;
            if (i > 0 && results[0].Outcome == CheckOutcome.Fail)
            {
                verdict = Verdict.Skip("Plugin.Activate failed");
            }
            else
            {
                try
                {
                    verdict = await run(context, cancellationToken).ConfigureAwait(false);
                }
                catch (VerdictException stop)
                {
                    verdict = stop.Verdict;
                }
            }

            results.Add(new CheckResult(id, title, verdict.Outcome, verdict.Reason, verdict.Hint, watch.Elapsed));
            await CleanUpAsync(context, cancellationToken).ConfigureAwait(false);
        }

        return new ConformanceReport(spec.Name, spec.Address.ToString(), results);
    }

    private static async Task CleanUpAsync(CheckContext context, CancellationToken cancellationToken)
    {
        foreach (var (method, body) in context.Cleanup)
        {
            await context.Plugin.CallAsync(method, body, cancellationToken).ConfigureAwait(false);
        }

        context.Cleanup.Clear();
    }
}
