using System.Text.Json;

namespace Cnm.DaemonBench;

/// <summary>The plugin's totals at one moment, read from <c>GET /bench/counters</c>.</summary>
/// <remarks><c>SocketSeconds</c> is NaN for a plugin that does not report it (only handler time).</remarks>
internal readonly record struct CounterReading(long Calls, double Seconds, double SocketSeconds)
{
    public static async Task<CounterReading> ReadAsync(HttpClient plugin)
    {
        using var response = await plugin.GetAsync(new Uri("/bench/counters", UriKind.Relative)).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false));
        var root = document.RootElement;
        return new(root.GetProperty(nameof(Calls)).GetInt64(), root.GetProperty(nameof(Seconds)).GetDouble(),
            root.TryGetProperty(nameof(SocketSeconds), out var socket) ? socket.GetDouble() : double.NaN);
    }
}
