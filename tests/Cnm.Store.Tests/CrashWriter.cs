using System.Globalization;
using System.Text;
using Cnm.Core.Store;
using Cnm.Store.Sqlite;

namespace Cnm.Store.Tests;

/// <summary>
/// The child process of the crash test: writes for ever and prints one line per acknowledged write,
/// after the store returned, so that every printed write must survive a SIGKILL.
/// Lines: "ready", "put KEY REV ok", "txn REV KEY1 KEY2 ok", "del KEY REV ok".
/// </summary>
internal static class CrashWriter
{
    public static async Task<int> RunAsync(string path, int first)
    {
        var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true };
        await using var store = await SqliteKeyValueStore.OpenAsync(path, null, CancellationToken.None).ConfigureAwait(false);
        await output.WriteLineAsync("ready").ConfigureAwait(false);
        for (var i = first; ; i++)
        {
            var key = Key(i);
            var value = Encoding.UTF8.GetBytes(key);
            if (i % 3 == 0)
            {
                var transaction = new StoreTransaction()
                    .If(key, StoreCondition.NotExists)
                    .Put(key, value)
                    .Put(key + "/intent", value);
                var revision = await store.CommitAsync(transaction, CancellationToken.None).ConfigureAwait(false);
                await output.WriteLineAsync(Line($"txn {revision} {key} {key}/intent")).ConfigureAwait(false);
            }
            else
            {
                var revision = await store.AtomicPutAsync(key, value, StoreCondition.NotExists, CancellationToken.None).ConfigureAwait(false);
                await output.WriteLineAsync(Line($"put {key} {revision}")).ConfigureAwait(false);
            }

            if (i % 10 == 9)
            {
                var victim = Key(i - 1);
                var current = await store.GetAsync(victim, CancellationToken.None).ConfigureAwait(false);
                var revision = await store.AtomicDeleteAsync(victim, StoreCondition.ModRevisionIs(current!.ModRevision), CancellationToken.None).ConfigureAwait(false);
                await output.WriteLineAsync(Line($"del {victim} {revision}")).ConfigureAwait(false);
            }
        }
    }

    public static string Key(int i) => "crash/" + i.ToString("D7", CultureInfo.InvariantCulture);

    // The closing " ok" tells a whole line from one cut short by the kill.
    private static string Line(FormattableString text) => text.ToString(CultureInfo.InvariantCulture) + " ok";
}
