using System.Diagnostics;
using System.Globalization;
using Cnm.Core.Errors;
using Cnm.Protocol;
using Cnm.Store.Sqlite;

namespace Cnm.Store.Tests;

/// <summary>
/// A real crash: a child process (this assembly run as <see cref="CrashWriter"/>) writes and reports
/// each acknowledged write, and is killed with SIGKILL by its PID. Every acknowledged write must be there
/// after reopening, and the file must pass the integrity check.
/// </summary>
public sealed class SqliteCrashTests : IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);
    private readonly StoreDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Kill9_WhileWriting_EveryAcknowledgedWriteSurvives_ThreeRounds()
    {
        long lastRevision = 0;
        int[] killAfter = [150, 40, 260];
        for (var round = 0; round < killAfter.Length; round++)
        {
            var (acks, secondOpener) = await RunAndKillAsync(killAfter[round], round * 100_000);

            Assert.Equal(ErrorCategory.Unavailable, secondOpener.Category);
            Assert.Contains(_directory.StateFile, secondOpener.Message, StringComparison.Ordinal);
            Assert.True(acks.Count >= killAfter[round], $"round {round}: only {acks.Count} acknowledged writes");
            await using var store = await SqliteKeyValueStore.OpenAsync(_directory.StateFile, null, CancellationToken.None);
            var report = await store.IntegrityCheckAsync(CancellationToken.None);
            Assert.True(report.IsHealthy, string.Join("; ", report.Problems));
            Assert.True(acks[0].Revision > lastRevision, $"round {round}: revisions restarted at {acks[0].Revision}");
            Assert.True(report.Revision >= acks[^1].Revision, $"round {round}: store at {report.Revision}, acknowledged {acks[^1].Revision}");
            foreach (var ack in acks)
            {
                foreach (var key in ack.Keys)
                {
                    var entry = await store.GetAsync(key, CancellationToken.None);
                    if (ack.Deleted)
                    {
                        Assert.True(entry is null, $"round {round}: {key}, deleted at {ack.Revision}, is back");
                    }
                    else if (entry is not null)
                    {
                        Assert.Equal(ack.Revision, entry.CreateRevision);
                    }
                    else if (!acks.Any(a => a.Deleted && a.Keys.Contains(key)))
                    {
                        Assert.True(IsUnreportedDelete(key, acks, report.Revision), $"round {round}: acknowledged {key} at {ack.Revision} is lost");
                    }
                }
            }

            lastRevision = report.Revision;
        }
    }

    // The writer deletes KEY(i-1) right after putting KEY(i) for i % 10 == 9. If the kill lands after that
    // delete committed but before it was reported, the key is rightly gone: then the delete is the last
    // commit, one revision after the last acknowledged write, which put KEY(i).
    private static bool IsUnreportedDelete(string key, List<Ack> acks, long storeRevision)
    {
        var index = int.Parse(key.AsSpan(6), CultureInfo.InvariantCulture);
        var last = acks[^1];
        return index % 10 == 8 && last.Keys[0] == CrashWriter.Key(index + 1) && storeRevision == last.Revision + 1;
    }

    private async Task<(List<Ack> Acks, CnmException SecondOpener)> RunAndKillAsync(int killAfter, int firstIndex)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(typeof(CrashWriter).Assembly.Location);
        info.ArgumentList.Add("crash-writer");
        info.ArgumentList.Add(_directory.StateFile);
        info.ArgumentList.Add(firstIndex.ToString(CultureInfo.InvariantCulture));
        using var child = Process.Start(info)!;
        try
        {
            using var cts = new CancellationTokenSource(Generous);
            var first = await child.StandardOutput.ReadLineAsync(cts.Token);
            if (first != "ready")
            {
                child.Kill();
                Assert.Fail($"crash writer did not start: {first} {await child.StandardError.ReadToEndAsync(cts.Token)}");
            }

            var secondOpener = await Assert.ThrowsAsync<CnmException>(() => SqliteKeyValueStore.OpenAsync(_directory.StateFile, null, CancellationToken.None));
            var acks = new List<Ack>();
            while (acks.Count < killAfter && await child.StandardOutput.ReadLineAsync(cts.Token) is { } line)
            {
                acks.Add(Ack.Parse(line));
            }

            child.Kill(); // SIGKILL to this PID only.
            while (await child.StandardOutput.ReadLineAsync(cts.Token) is { } line)
            {
                if (Ack.TryParse(line) is { } ack)
                {
                    acks.Add(ack); // Written before the kill landed: acknowledged too.
                }
            }

            await child.WaitForExitAsync(cts.Token);
            return (acks, secondOpener);
        }
        finally
        {
            if (!child.HasExited)
            {
                child.Kill();
            }
        }
    }

    private sealed record Ack(long Revision, string[] Keys, bool Deleted)
    {
        public static Ack Parse(string line) => TryParse(line) ?? throw new InvalidOperationException("unexpected line from the crash writer: " + line);

        // A line cut short by the kill lacks the closing "ok"; it was not acknowledged.
        public static Ack? TryParse(string line)
        {
            var parts = line.Split(' ');
            return parts switch
            {
                ["put", var key, var revision, "ok"] when Number(revision) is { } r && key.Length == 13 => new Ack(r, [key], false),
                ["txn", var revision, var key, var intent, "ok"] when Number(revision) is { } r && intent == key + "/intent" => new Ack(r, [key, intent], false),
                ["del", var key, var revision, "ok"] when Number(revision) is { } r && key.Length == 13 => new Ack(r, [key], true),
                _ => null,
            };
        }

        private static long? Number(string text) => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
    }
}
