using System.CommandLine;
using System.Globalization;

namespace Cnm.Cli;

/// <summary><c>cnm system df</c>, over <c>GET /cnm/v1/system/df</c>.</summary>
internal static partial class Commands
{
    private static Command SystemCommand()
    {
        var system = new Command("system", "Inspect what cnmd keeps");
        var df = new Command("df", "Show what is stored: the state file, its size and revision, and the stored objects");
        df.SetAction((p, ct) => RunAsync(p, "system df", async client =>
        {
            var answer = await client.SendAsync(HttpMethod.Get, "/cnm/v1/system/df", ct).ConfigureAwait(false);
            if (Json(p))
            {
                return answer;
            }

            var d = Read(answer, CliViewJsonContext.Default.SystemDfView);
            var summary = Table(["STATE FILE", "SIZE", "WAL", "REVISION", "KEYS", "NETWORKS", "ENDPOINTS", "SANDBOXES", "IPAM POOLS", "INTENTS", "PENDING CALLS"],
                [[d.StateFile, Bytes(d.Size), Bytes(d.WalSize), Count(d.Revision), Count(d.Keys), Count(d.Networks), Count(d.Endpoints), Count(d.Sandboxes),
                    Count(d.IpamPools), Count(d.Intents), Count(d.PendingCalls)]]);
            if (d.OwedCalls is not { Count: > 0 } owed)
            {
                return summary;
            }

            // Each owed call with how its delivery goes, below the summary.
            return summary + "\n" + Table(["OWED CALL", "DRIVER", "ATTEMPTS", "NEXT ATTEMPT"],
                [.. owed.Select(c => new[] { c.Call, c.Driver, Count(c.Attempts), c.NextAttempt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) })]);
        }));

        system.Subcommands.Add(df);
        return system;
    }

    /// <summary>A size as docker prints one: 4.1kB, 1.23MB (powers of 1000).</summary>
    private static string Bytes(long value) => value switch
    {
        >= 1_000_000_000 => (value / 1e9).ToString("0.##", CultureInfo.InvariantCulture) + "GB",
        >= 1_000_000 => (value / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + "MB",
        >= 1_000 => (value / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + "kB",
        _ => value.ToString(CultureInfo.InvariantCulture) + "B",
    };
}
