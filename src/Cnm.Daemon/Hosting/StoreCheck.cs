using System.Globalization;
using Cnm.Core.Persistence;
using Cnm.Store.Sqlite;

namespace Cnm.Daemon.Hosting;

/// <summary>
/// <c>cnmd --check</c>: opens the state file of the configured data root (never creating it), runs the store's
/// integrity check, decodes every stored controller record as restore would (no API, no plugins), prints a short
/// report to stdout and answers 0 when healthy and 1 when not or when the file cannot be checked
/// (spec/store.md, "Recovery tools").
/// </summary>
internal static class StoreCheck
{
    public const string Flag = "--check";

    public static async Task<int> RunAsync(DaemonOptions options, TextWriter output, TextWriter error)
    {
        var path = Path.GetFullPath(options.StorePath);
        if (!Directory.Exists(Path.GetDirectoryName(path)))
        {
            await error.WriteLineAsync($"cnmd: error: cannot check state file {path}: data root {options.DataRoot} does not exist").ConfigureAwait(false);
            return 1;
        }

        if (!File.Exists(path))
        {
            await error.WriteLineAsync($"cnmd: error: cannot check state file {path}: no such file (cnmd has not run with data root {options.DataRoot})").ConfigureAwait(false);
            return 1;
        }

        SqliteKeyValueStore store;
        try
        {
            store = await SqliteKeyValueStore.OpenAsync(path, null, StoreSync.Full, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await output.WriteLineAsync($"file: {path}").ConfigureAwait(false);
            await output.WriteLineAsync("problem: " + ex.Message).ConfigureAwait(false);
            await error.WriteLineAsync($"cnmd: error: {ex.Message}").ConfigureAwait(false);
            return 1;
        }

        await using (store.ConfigureAwait(false))
        {
            var report = await store.IntegrityCheckAsync(CancellationToken.None).ConfigureAwait(false);
            var problems = new List<string>(report.Problems);
            StoredStateSummary? summary = null;
            if (report.IsHealthy)
            {
                // Decoding needs a readable store; a damaged one is already reported above.
                summary = await StoredStateInspector.InspectAsync(store, CancellationToken.None).ConfigureAwait(false);
                problems.AddRange(summary.Problems);
            }

            await output.WriteLineAsync(Report(report, summary, problems)).ConfigureAwait(false);
            return problems.Count == 0 ? 0 : 1;
        }
    }

    private static string Report(StoreIntegrityReport report, StoredStateSummary? summary, List<string> problems)
    {
        var text = new System.Text.StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"file: {report.Path}\n");
        text.Append(CultureInfo.InvariantCulture, $"revision: {report.Revision}\n");
        text.Append(CultureInfo.InvariantCulture, $"keys: {report.KeyCount}\n");
        if (summary is not null)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"networks: {summary.Networks}\nendpoints: {summary.Endpoints}\nsandboxes: {summary.Sandboxes}\npools: {summary.Pools}\n" +
                $"intents: {summary.Intents}\npending calls: {summary.PendingCalls}\n");
        }

        if (problems.Count == 0)
        {
            text.Append("ok");
        }
        else
        {
            text.AppendJoin('\n', problems.Select(p => "problem: " + p));
        }

        return text.ToString();
    }
}
