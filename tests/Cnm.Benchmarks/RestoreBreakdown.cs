using System.Diagnostics;
using System.Globalization;
using Cnm.Core.Control;
using Cnm.Core.Drivers.BuiltIn;
using Cnm.Core.Persistence;
using Cnm.Store.Sqlite;

namespace Cnm.Benchmarks;

/// <summary>
/// Where restore's time goes, in this process (JIT, after one unmeasured pass), on a state file no cnmd holds:
/// opening the store, listing every record, decoding them (<see cref="StoredStateInspector"/>), finding each
/// network's endpoints by scanning all of them (as Controller.Restore.cs does) against a lookup, and a whole
/// <see cref="Controller.CreateAsync"/> (open and list included, with the built-in drivers only, so the
/// remote networks are restored as they are, as when their plugin is absent).
/// </summary>
internal static class RestoreBreakdown
{
    public static async Task<string> MeasureAsync(string stateFile, int passes = 5)
    {
        var open = new List<double>();
        var list = new List<double>();
        var decode = new List<double>();
        var restore = new List<double>();
        var scan = new List<double>();
        var lookup = new List<double>();
        for (var pass = -1; pass < passes; pass++)
        {
            var start = Stopwatch.GetTimestamp();
            var store = await SqliteKeyValueStore.OpenAsync(stateFile, null, CancellationToken.None).ConfigureAwait(false);
            await using (store.ConfigureAwait(false))
            {
                var opened = Stopwatch.GetTimestamp();
                await store.ListAsync(StateKeys.Root, CancellationToken.None).ConfigureAwait(false);
                var listed = Stopwatch.GetTimestamp();
                var state = await StoredStateInspector.ReadAsync(store, CancellationToken.None).ConfigureAwait(false);
                var decoded = Stopwatch.GetTimestamp();

                // Controller.Restore.cs picks each network's endpoints with a scan of all of them; the lookup is
                // what it could use instead (StoredState.EndpointsByNetwork).
                var found = 0;
                foreach (var network in state.Networks)
                {
                    found += state.Endpoints.Where(e => e.NetworkId == network.Id).Count();
                }

                var scanned = Stopwatch.GetTimestamp();
                foreach (var network in state.Networks)
                {
                    found -= state.EndpointsByNetwork[network.Id].Count();
                }

                var looked = Stopwatch.GetTimestamp();
                if (found != 0)
                {
                    throw new InvalidOperationException("the lookup and the scan disagree");
                }

                if (pass >= 0)
                {
                    open.Add(Ms(start, opened));
                    list.Add(Ms(opened, listed));
                    decode.Add(Ms(listed, decoded) - Ms(opened, listed));
                    scan.Add(Ms(decoded, scanned));
                    lookup.Add(Ms(scanned, looked));
                }
            }

            start = Stopwatch.GetTimestamp();
            var again = await SqliteKeyValueStore.OpenAsync(stateFile, null, CancellationToken.None).ConfigureAwait(false);
            await using (again.ConfigureAwait(false))
            {
                await Controller.CreateAsync(new ControllerOptions { Store = again }, [new BuiltInDriverModule()]).ConfigureAwait(false);
                var restored = Stopwatch.GetTimestamp();
                if (pass >= 0)
                {
                    restore.Add(Ms(start, restored));
                }
            }
        }

        var inv = CultureInfo.InvariantCulture;
        return string.Create(inv,
            $"in-process breakdown (JIT, median of {passes}): open {StartupRunner.Median(open):0.0} ms, list {StartupRunner.Median(list):0.0} ms, "
            + $"decode {StartupRunner.Median(decode):0.0} ms; endpoints of each network: scan {StartupRunner.Median(scan):0.0} ms, lookup {StartupRunner.Median(lookup):0.0} ms; "
            + $"open + Controller.CreateAsync (restore, built-in drivers only) {StartupRunner.Median(restore):0.0} ms");
    }

    private static double Ms(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;
}
