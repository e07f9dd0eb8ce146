namespace Cnm.DaemonBench;

/// <summary>
/// <c>fill</c>: creates <see cref="BenchOptions.Count"/> networks <c>fill0…</c> on the plugin on every target, over
/// <see cref="BenchOptions.Clients"/> connections; <c>drain</c> deletes them by name. For the RSS figures.
/// </summary>
internal static class NetworkFill
{
    public static Task<int> FillAsync(BenchOptions options) =>
        ForEachAsync(options, (client, i) => DaemonApi.CreateNetworkAsync(client, $"fill{i}", options.Driver), "created");

    public static Task<int> DrainAsync(BenchOptions options) =>
        ForEachAsync(options, (client, i) => DaemonApi.DeleteNetworkAsync(client, $"fill{i}"), "deleted");

    private static async Task<int> ForEachAsync(BenchOptions options, Func<HttpClient, int, Task> action, string verb)
    {
        foreach (var target in options.Targets)
        {
            var clients = Enumerable.Range(0, options.Clients).Select(_ => UnixHttp.Create(target.Socket)).ToArray();
            try
            {
                var next = -1;
                await Task.WhenAll(clients.Select(async client =>
                {
                    for (var i = Interlocked.Increment(ref next); i < options.Count; i = Interlocked.Increment(ref next))
                    {
                        await action(client, i).ConfigureAwait(false);
                    }
                })).ConfigureAwait(false);
                Console.WriteLine($"{target.Name}: {verb} {options.Count} networks");
            }
            finally
            {
                foreach (var client in clients)
                {
                    client.Dispose();
                }
            }
        }

        return 0;
    }
}
