using System.Diagnostics;
using Cnm.Protocol;
using Cnm.Testing;

namespace Cnm.Benchmarks;

/// <summary>
/// The requests of one captured lifecycle sent again, byte for byte (path, body, Accept and User-Agent), with a
/// bare <see cref="HttpClient"/>: what a host with no code of its own would pay for the transport.
/// </summary>
internal sealed class BareReplay(HttpClient client, IReadOnlyList<RecordedRequest> requests)
{
    private const string GoUserAgent = "Go-http-client/1.1";
    private readonly (Uri Uri, byte[] Body)[] _requests =
        [.. requests.Select(r => (new Uri(r.ServiceMethod, UriKind.Relative), r.Body))];

    public int Count => _requests.Length;

    public async Task RunAsync(long[]? callTicks = null)
    {
        for (var i = 0; i < _requests.Length; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            using var request = new HttpRequestMessage(HttpMethod.Post, _requests[i].Uri);
            request.Headers.TryAddWithoutValidation("Accept", PluginMediaTypes.Accept);
            request.Headers.TryAddWithoutValidation("User-Agent", GoUserAgent);
            request.Content = new ByteArrayContent(_requests[i].Body);
            using var response = await client.SendAsync(request).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            _ = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            if (callTicks is not null)
            {
                callTicks[i] += Stopwatch.GetTimestamp() - t0;
            }
        }
    }
}
