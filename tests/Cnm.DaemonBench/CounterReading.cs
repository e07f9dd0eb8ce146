using System.Text.Json;

namespace Cnm.DaemonBench;

/// <summary>The plugin's totals at one moment, read from <c>GET /bench/counters</c>.</summary>
internal readonly record struct CounterReading(long Calls, double Seconds)
{
    public static async Task<CounterReading> ReadAsync(HttpClient plugin)
    {
        using var response = await plugin.GetAsync(new Uri("/bench/counters", UriKind.Relative)).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false));
        var root = document.RootElement;
        return new(root.GetProperty(nameof(Calls)).GetInt64(), root.GetProperty(nameof(Seconds)).GetDouble());
    }
}
