using System.Text;
using Cnm.Plugins.Client;
using Cnm.Plugins.Testing.InMemory;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using WireMock.Server;

namespace Cnm.Plugins.Testing;

public sealed partial class MockPlugin
{
    private readonly CancellationTokenSource _stopping = new();
    private WebApplication? _app;
    private WireMockServer? _wireMock;
    private InMemoryPluginTransport? _inMemory;

    /// <summary>Where the plugin is reached: <c>unix://…</c>, <c>tcp://127.0.0.1:PORT</c>, or the in-memory placeholder.</summary>
    public Uri Address { get; private set; } = new("unix:///not-started.sock");

    /// <summary>The socket file when started with <see cref="StartUnixAsync"/>.</summary>
    public string? SocketPath { get; private set; }

    /// <summary>The spec file when started with <see cref="StartWireMockAsync"/>.</summary>
    public string? SpecPath { get; private set; }

    /// <summary>The in-memory transport when started with <see cref="StartInMemoryAsync"/>.</summary>
    public InMemoryPluginTransport? InMemory => _inMemory;

    /// <summary>Serves on the unix socket <paramref name="socketPath"/> (a stale file there is replaced).</summary>
    public async Task<MockPlugin> StartUnixAsync(string socketPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(socketPath);
        EnsureNotStarted();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(socketPath))!);
        File.Delete(socketPath);
        await StartKestrelAsync(builder => builder.WebHost.ConfigureKestrel(k =>
            k.ListenUnixSocket(socketPath, l => l.Protocols = HttpProtocols.Http1))).ConfigureAwait(false);
        SocketPath = socketPath;
        Address = new Uri("unix://" + socketPath);
        return this;
    }

    /// <summary>Serves in memory: connections are Nerdbank.Streams pairs, see <see cref="CreateClient"/>.</summary>
    public async Task<MockPlugin> StartInMemoryAsync()
    {
        EnsureNotStarted();
        InMemoryPluginTransport? transport = null;
        await StartKestrelAsync(builder => transport = InMemoryPluginTransport.Listen(builder)).ConfigureAwait(false);
        _inMemory = transport;
        Address = transport!.Address;
        return this;
    }

    /// <summary>
    /// Serves on 127.0.0.1 through WireMock.Net and writes <c>SPECDIR/NAME.spec</c> holding its <c>tcp://</c>
    /// address, so the host finds it by name; the file is removed when the plugin is disposed.
    /// </summary>
    public Task<MockPlugin> StartWireMockAsync(string specDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(specDirectory);
        EnsureNotStarted();
        _wireMock = MockWireMock.Start(this, _stopping.Token);
        Address = new Uri($"tcp://127.0.0.1:{_wireMock.Port}");
        Directory.CreateDirectory(specDirectory);
        SpecPath = Path.Combine(specDirectory, Name + ".spec");
        File.WriteAllText(SpecPath, Address.ToString().TrimEnd('/') + "\n");
        return Task.FromResult(this);
    }

    /// <summary>
    /// A real <see cref="PluginClient"/> for this plugin; in memory it connects through the Nerdbank.Streams pair.
    /// </summary>
    public PluginClient CreateClient(PluginClientOptions? options = null)
    {
        if (_inMemory is { } transport)
        {
            return transport.CreateClient(Name, options);
        }

        if (_app is null && _wireMock is null)
        {
            throw new InvalidOperationException("the mock plugin is not started");
        }

        return new PluginClient(new PluginSpec(Name, Address), options);
    }

    /// <summary>Stops serving and removes the socket or spec file.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
            if (SocketPath is not null)
            {
                File.Delete(SocketPath);
            }
        }

        if (_wireMock is not null)
        {
            _wireMock.Stop();
            _wireMock.Dispose();
            if (SpecPath is not null)
            {
                File.Delete(SpecPath);
            }
        }

        _stopping.Dispose();
    }

    private void EnsureNotStarted()
    {
        if (_app is not null || _wireMock is not null)
        {
            throw new InvalidOperationException("the mock plugin is already started");
        }
    }

    private async Task StartKestrelAsync(Action<WebApplicationBuilder> listen)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        listen(builder);
        var app = builder.Build();
        app.Run(ServeAsync);
        await app.StartAsync().ConfigureAwait(false);
        _app = app;
    }

    private async Task ServeAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, ct).ConfigureAwait(false);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var reply = Handle((context.Request.Path.Value ?? "/").TrimStart('/'), context.Request.Method, headers,
            body.ToArray(), context.Connection.Id);
        try
        {
            if (reply.Delay > TimeSpan.Zero)
            {
                await Task.Delay(reply.Delay, ct).ConfigureAwait(false);
            }

            if (reply.Hang)
            {
                await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (reply.Drop)
        {
            context.Abort();
            return;
        }

        context.Response.StatusCode = reply.Status;
        var bytes = reply.Body is null ? [] : Encoding.UTF8.GetBytes(reply.Body);
        if (reply.Body is not null)
        {
            context.Response.ContentType = reply.ContentType;
        }

        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, ct).ConfigureAwait(false);
    }
}
