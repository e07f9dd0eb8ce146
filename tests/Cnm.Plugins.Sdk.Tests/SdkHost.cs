using System.Net.Sockets;
using Cnm.Plugins.Sdk.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Cnm.Plugins.Sdk.Tests;

/// <summary>An SDK plugin started in the test process on a unix socket of its own, and a raw HTTP client for it.</summary>
internal sealed class SdkHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SdkHost(WebApplication app, string socketPath)
    {
        _app = app;
        SocketPath = socketPath;
        Http = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        })
        { BaseAddress = new Uri("http://plugin.moby.localhost/") };
    }

    public string SocketPath { get; }

    public Uri Address => new("unix://" + SocketPath);

    public HttpClient Http { get; }

    public static async Task<SdkHost> StartAsync(string directory, Action<WebApplication> map,
        Action<PluginSocketOptions>? socket = null, string name = "sdk")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.ListenPluginSocket(name, o =>
        {
            o.Directory = directory;
            o.UseSocketActivation = false;
            socket?.Invoke(o);
        });
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return new SdkHost(app, Path.Combine(directory, name + ".sock"));
    }

    /// <summary>POSTs <paramref name="body"/> (null: an empty body) as the host does.</summary>
    public async Task<HttpResponseMessage> PostAsync(string method, string? body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, method)
        {
            Content = new ByteArrayContent(body is null ? [] : System.Text.Encoding.UTF8.GetBytes(body)),
        };
        request.Headers.Accept.ParseAdd("application/vnd.docker.plugins.v1.2+json");
        return await Http.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
