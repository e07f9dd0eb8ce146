using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace Cnm.Testing;

/// <summary>
/// A real plugin process stand-in: Kestrel listening on a unix socket (or on 127.0.0.1), answering
/// <c>POST /Iface.Method</c> from a table of handlers and recording every request it reads.
/// Unknown methods get Go's mux answer: 404 with <c>404 page not found</c>.
/// </summary>
public sealed class PluginServer : IAsyncDisposable
{
    public delegate Task<PluginReply> Handler(RecordedRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Told about every request once the server is done with it: the service method and the
    /// <see cref="Stopwatch"/> timestamps taken when the request reached the server's handler (Kestrel had
    /// parsed the request line and headers) and when the response was written (or the request ended
    /// otherwise). Reading the body, running the handler and writing the response are inside.
    /// </summary>
    public delegate void RequestTimer(string serviceMethod, long startTimestamp, long endTimestamp);

    private readonly ConcurrentDictionary<string, Handler> _handlers = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentDictionary<string, byte> _connections = new();
    private WebApplication? _app;
    private long _requestCount;

    private PluginServer()
    {
    }

    /// <summary>The address to reach this server: <c>unix:///…</c> or <c>http(s)://127.0.0.1:port</c>.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>The socket file, for unix servers.</summary>
    public string? SocketPath { get; private set; }

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>
    /// Whether requests are kept for <see cref="Requests"/> (default true). Turn it off for long runs, such
    /// as benchmarks, so memory does not grow with every request; <see cref="RequestCount"/> still counts.
    /// </summary>
    public bool RecordRequests { get; set; } = true;

    /// <summary>How many requests reached the handler, recorded or not.</summary>
    public long RequestCount => Interlocked.Read(ref _requestCount);

    /// <summary>An optional hook told how long each request spent in the server's handler; see <see cref="RequestTimer"/>.</summary>
    public RequestTimer? Timer { get; set; }

    /// <summary>Forgets the recorded requests (the count and the connections stay).</summary>
    public void ClearRequests() => _requests.Clear();

    /// <summary>How many distinct connections carried requests.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>Serves <c>Plugin.Activate</c> with the given <c>Implements</c> list.</summary>
    public PluginServer Implements(params string[] interfaces)
    {
        var list = string.Join(",", interfaces.Select(i => $"\"{i}\""));
        return Map("Plugin.Activate", PluginReply.Json($"{{\"Implements\":[{list}]}}"));
    }

    public PluginServer Map(string serviceMethod, PluginReply reply) =>
        Map(serviceMethod, (_, _) => Task.FromResult(reply));

    public PluginServer Map(string serviceMethod, Func<RecordedRequest, PluginReply> handler) =>
        Map(serviceMethod, (r, _) => Task.FromResult(handler(r)));

    public PluginServer Map(string serviceMethod, Handler handler)
    {
        _handlers[serviceMethod] = handler;
        return this;
    }

    public IReadOnlyList<RecordedRequest> RequestsFor(string serviceMethod) =>
        Requests.Where(r => r.ServiceMethod == serviceMethod).ToList();

    public static Task<PluginServer> StartUnixAsync(string socketPath, Action<PluginServer>? configure = null)
    {
        var server = new PluginServer { SocketPath = socketPath, Address = new Uri("unix://" + socketPath) };
        configure?.Invoke(server);
        return server.StartAsync(k => k.ListenUnixSocket(socketPath));
    }

    /// <summary>Starts on 127.0.0.1 with a free port; with a certificate it serves HTTPS.</summary>
    public static async Task<PluginServer> StartTcpAsync(Action<PluginServer>? configure = null,
        X509Certificate2? certificate = null, X509Certificate2? requiredClientCa = null)
    {
        var server = new PluginServer();
        configure?.Invoke(server);
        await server.StartAsync(k => k.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(https =>
                {
                    https.ServerCertificate = certificate;
                    if (requiredClientCa is not null)
                    {
                        https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                        https.ClientCertificateValidation = (cert, _, _) =>
                        {
                            using var chain = new X509Chain();
                            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                            chain.ChainPolicy.CustomTrustStore.Add(requiredClientCa);
                            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                            return chain.Build(cert);
                        };
                    }
                });
            }
        })).ConfigureAwait(false);
        var port = new Uri(server._app!.Urls.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal)).Port;
        server.Address = new Uri($"{(certificate is null ? "http" : "https")}://127.0.0.1:{port}");
        return server;
    }

    private async Task<PluginServer> StartAsync(Action<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions> listen)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            listen(k);
        });
        _app = builder.Build();
        _app.Run(HandleTimedAsync);
        await _app.StartAsync().ConfigureAwait(false);
        return this;
    }

    private Task HandleTimedAsync(HttpContext context)
    {
        var timer = Timer;
        return timer is null ? HandleAsync(context) : TimeAsync(context, timer);
    }

    private async Task TimeAsync(HttpContext context, RequestTimer timer)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            await HandleAsync(context).ConfigureAwait(false);
        }
        finally
        {
            var end = Stopwatch.GetTimestamp();
            timer((context.Request.Path.Value ?? "/").TrimStart('/'), start, end);
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var request = new RecordedRequest(context.Request.Method, context.Request.Path.Value ?? "/", headers,
            body.ToArray(), context.Connection.Id);
        Interlocked.Increment(ref _requestCount);
        if (RecordRequests)
        {
            _requests.Enqueue(request);
        }

        _connections.TryAdd(context.Connection.Id, 0);

        var reply = _handlers.TryGetValue(request.ServiceMethod, out var handler)
            ? await handler(request, context.RequestAborted).ConfigureAwait(false)
            : PluginReply.Text("404 page not found\n", 404);

        if (reply.Delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(reply.Delay, context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        if (reply.Abort)
        {
            context.Abort();
            return;
        }

        context.Response.StatusCode = reply.Status;
        if (reply.Body is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(reply.Body);
            context.Response.ContentType = reply.ContentType;
            context.Response.ContentLength = bytes.Length;
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
        }
        else
        {
            context.Response.ContentLength = 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _app.StopAsync(stop.Token).ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }

        if (SocketPath is not null && Path.Exists(SocketPath))
        {
            File.Delete(SocketPath);
        }
    }
}
