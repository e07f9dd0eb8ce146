using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Cnm.Plugins;
using Cnm.Plugins.Client;
using Cnm.Testing;

namespace Cnm.Benchmarks;

/// <summary>
/// One small call (a Leave-sized request, <c>{}</c> answer) to a Kestrel plugin on a unix socket:
/// through <see cref="PluginClient"/> against a bare <see cref="HttpClient"/> POST of the same bytes.
/// </summary>
[MemoryDiagnoser]
public class PluginCallBenchmarks
{
    private const string Method = "NetworkDriver.Leave";
    private static readonly BenchRequest Request = new(new string('a', 64), new string('b', 64));

    private TempDirectory _dir = null!;
    private PluginServer _server = null!;
    private PluginClient _client = null!;
    private HttpClient _bare = null!;
    private byte[] _body = null!;

    [GlobalSetup]
    public void Setup()
    {
        _dir = new TempDirectory("cnm-bench");
        var path = _dir.File("bench.sock");
        _server = PluginServer.StartUnixAsync(path, s => s.Map(Method, PluginReply.Json("{}"))).GetAwaiter().GetResult();
        _client = new PluginClient(new PluginSpec("bench", _server.Address));
        _bare = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), ct).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            },
        });
        _body = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(Request, BenchJsonContext.Default.BenchRequest);
    }

    [Benchmark(Baseline = true, Description = "bare HttpClient POST")]
    public async Task<byte[]> BareHttpClient()
    {
        using var content = new ByteArrayContent(_body);
        using var response = await _bare.PostAsync(new Uri("http://plugin.moby.localhost/" + Method), content).ConfigureAwait(false);
        return await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
    }

    [Benchmark(Description = "PluginClient.CallAsync")]
    public Task<BenchResponse> PluginClientCall() =>
        _client.CallAsync(Method, Request, BenchJsonContext.Default.BenchRequest, BenchJsonContext.Default.BenchResponse,
            CancellationToken.None);

    [GlobalCleanup]
    public void Cleanup()
    {
        _client.Dispose();
        _bare.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _dir.Dispose();
    }
}
