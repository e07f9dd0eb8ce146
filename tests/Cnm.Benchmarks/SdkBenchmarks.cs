using System.Net.Sockets;
using System.Text;
using BenchmarkDotNet.Attributes;
using Cnm.Plugins;
using Cnm.Plugins.Client;
using Cnm.Plugins.Sdk;
using Cnm.Plugins.Sdk.Hosting;
using Cnm.Plugins.Testing.InMemory;
using Cnm.Protocol;
using Cnm.Protocol.Network;
using Cnm.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cnm.Benchmarks;

/// <summary>
/// One Leave call answered <c>{}</c>: a Cnm.Plugins.Sdk plugin against a bare minimal-API handler doing the same work
/// (decode the request with PluginJsonContext, write <c>{}\n</c>), both on a unix socket and posted by a bare
/// HttpClient; and the SDK plugin through PluginClient over the unix socket against the in-memory transport.
/// </summary>
[MemoryDiagnoser]
public class SdkBenchmarks
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes(
        $"{{\"NetworkID\":\"{new string('a', 64)}\",\"EndpointID\":\"{new string('b', 64)}\"}}\n");
    private static readonly LeaveRequest Request = new(new string('a', 64), new string('b', 64));

    private TempDirectory _dir = null!;
    private WebApplication _bare = null!;
    private WebApplication _sdk = null!;
    private HttpClient _toBare = null!;
    private HttpClient _toSdk = null!;
    private PluginClient _socketClient = null!;
    private PluginClient _memoryClient = null!;

    [GlobalSetup]
    public void Setup()
    {
        _dir = new TempDirectory("cnm-bench-sdk");
        var bareBuilder = Builder();
        bareBuilder.WebHost.ConfigureKestrel(k => k.ListenUnixSocket(_dir.File("bare.sock")));
        _bare = bareBuilder.Build();
        _bare.MapPost("/" + PluginMethods.Network.Leave, async (HttpContext context) =>
        {
            var request = await System.Text.Json.JsonSerializer.DeserializeAsync(context.Request.Body,
                PluginJsonContext.Default.LeaveRequest, context.RequestAborted);
            context.Response.ContentType = PluginMediaTypes.PluginResponse;
            context.Response.ContentLength = 3;
            await context.Response.Body.WriteAsync("{}\n"u8.ToArray(), context.RequestAborted);
            GC.KeepAlive(request);
        });
        _bare.StartAsync().GetAwaiter().GetResult();

        var sdkBuilder = Builder();
        sdkBuilder.ListenPluginSocket("sdk", o => { o.Directory = _dir.Path; o.UseSocketActivation = false; });
        var memory = InMemoryPluginTransport.Listen(sdkBuilder);
        _sdk = sdkBuilder.Build();
        _sdk.MapNetworkDriver(new NullDriver());
        _sdk.StartAsync().GetAwaiter().GetResult();

        _toBare = Unix(_dir.File("bare.sock"));
        _toSdk = Unix(_dir.File("sdk.sock"));
        _socketClient = new PluginClient(new PluginSpec("sdk", new Uri("unix://" + _dir.File("sdk.sock"))));
        _memoryClient = memory.CreateClient("sdk");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _socketClient.Dispose();
        _memoryClient.Dispose();
        _toBare.Dispose();
        _toSdk.Dispose();
        _bare.StopAsync().GetAwaiter().GetResult();
        _sdk.StopAsync().GetAwaiter().GetResult();
        _dir.Dispose();
    }

    [Benchmark(Baseline = true)]
    public Task<int> BareMinimalApiHandler() => PostAsync(_toBare);

    [Benchmark]
    public Task<int> SdkRoute() => PostAsync(_toSdk);

    [Benchmark]
    public Task<LeaveResponse> PluginClientToSdkOverUnixSocket() => LeaveAsync(_socketClient);

    [Benchmark]
    public Task<LeaveResponse> PluginClientToSdkInMemory() => LeaveAsync(_memoryClient);

    private static Task<LeaveResponse> LeaveAsync(PluginClient client) =>
        client.CallAsync(PluginMethods.Network.Leave, Request, PluginJsonContext.Default.LeaveRequest,
            PluginJsonContext.Default.LeaveResponse, CancellationToken.None);

    private static async Task<int> PostAsync(HttpClient client)
    {
        using var content = new ByteArrayContent(Body);
        using var response = await client.PostAsync("/" + PluginMethods.Network.Leave, content).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        return bytes.Length;
    }

    private static WebApplicationBuilder Builder()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        return builder;
    }

    private static HttpClient Unix(string path) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (_, ct) =>
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), ct).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        },
    })
    { BaseAddress = new Uri("http://plugin.moby.localhost/") };

    private sealed class NullDriver : NetworkDriver
    {
        public override Task CreateNetworkAsync(CreateNetworkRequest request, CancellationToken cancellationToken) => Task.CompletedTask;

        public override Task DeleteNetworkAsync(DeleteNetworkRequest request, CancellationToken cancellationToken) => Task.CompletedTask;

        public override Task<CreateEndpointResponse> CreateEndpointAsync(CreateEndpointRequest request, CancellationToken cancellationToken) =>
            Task.FromResult(new CreateEndpointResponse());

        public override Task DeleteEndpointAsync(DeleteEndpointRequest request, CancellationToken cancellationToken) => Task.CompletedTask;

        public override Task<JoinResponse> JoinAsync(JoinRequest request, CancellationToken cancellationToken) =>
            Task.FromResult(new JoinResponse());

        public override Task LeaveAsync(LeaveRequest request, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
