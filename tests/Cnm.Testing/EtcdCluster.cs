using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Cnm.Testing;

/// <summary>
/// Real etcd members (Debian's etcd-server) for one test: loopback only, random free ports, data
/// directories on tmpfs, fast raft timings. Members are stopped by PID and their data removed on
/// dispose. docs/architecture.md, "How it is tested" is the recipe.
/// </summary>
public sealed class EtcdCluster : IDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly string _root;
    private readonly EtcdMember[] _members;
    private readonly string _initialCluster;
    private readonly string _token = "cnm-" + Guid.NewGuid().ToString("N")[..12];
    private readonly string[] _extraArguments;
    private readonly bool _tls;

    private EtcdCluster(int size, string[] extraArguments, bool tls = false, string? dataRoot = null)
    {
        _tls = tls;
        dataRoot ??= Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        _root = Path.Combine(dataRoot, "cnm-etcd-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_root);
        _members = Enumerable.Range(1, size).Select(i => new EtcdMember("n" + i, FreePort(), FreePort())).ToArray();
        _initialCluster = string.Join(",", _members.Select(m => $"{m.Name}=http://127.0.0.1:{m.PeerPort}"));
        _extraArguments = extraArguments;
    }

    /// <summary>The members, in start order.</summary>
    public IReadOnlyList<EtcdMember> Members => _members;

    /// <summary>Every member as <c>etcd://127.0.0.1:p1,127.0.0.1:p2,…</c>.</summary>
    public string Endpoints => EndpointsOf(_members, _tls);

    /// <summary>Some members as <c>etcd://…</c> (or <c>etcds://…</c> with <paramref name="tls"/>).</summary>
    public static string EndpointsOf(IEnumerable<EtcdMember> members, bool tls = false) =>
        (tls ? "etcds://" : "etcd://") + string.Join(",", members.Select(m => $"127.0.0.1:{m.ClientPort}"));

    /// <summary>True when the etcd binary is installed (the Debian package etcd-server).</summary>
    public static bool IsInstalled => File.Exists("/usr/bin/etcd");

    /// <summary>Starts <paramref name="size"/> members and waits until each reports healthy.</summary>
    /// <param name="size">Members: 1 for most tests, 3 for fault tests.</param>
    /// <param name="extraArguments">More etcd flags for every member (e.g. TLS files).</param>
    public static Task<EtcdCluster> StartAsync(int size = 1, params string[] extraArguments) =>
        StartAsync(new EtcdCluster(size, extraArguments));

    /// <summary>
    /// Starts <paramref name="size"/> members with their data under <paramref name="dataRoot"/> instead of
    /// tmpfs, so that etcd's fsyncs cost what they cost on that disk (benchmarks).
    /// </summary>
    public static Task<EtcdCluster> StartOnDiskAsync(string dataRoot, int size = 1) =>
        StartAsync(new EtcdCluster(size, [], dataRoot: dataRoot));

    /// <summary>
    /// Starts one member that serves clients over TLS only (<c>https://</c>) with <paramref name="certFile"/>,
    /// and, with <paramref name="clientCaFile"/>, requires client certificates signed by that CA.
    /// </summary>
    public static Task<EtcdCluster> StartTlsAsync(string certFile, string keyFile, string? clientCaFile)
    {
        List<string> arguments = ["--cert-file", certFile, "--key-file", keyFile];
        if (clientCaFile is not null)
        {
            arguments.AddRange(["--client-cert-auth", "--trusted-ca-file", clientCaFile]);
        }

        return StartAsync(new EtcdCluster(1, [.. arguments], tls: true));
    }

    private static async Task<EtcdCluster> StartAsync(EtcdCluster cluster)
    {
        try
        {
            foreach (var member in cluster._members)
            {
                cluster.Launch(member);
            }

            foreach (var member in cluster._members)
            {
                await cluster.WaitHealthyAsync(member).ConfigureAwait(false);
            }

            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>kill -9 of one member, by PID; its data directory stays for a restart.</summary>
    public void Kill(EtcdMember member)
    {
        ArgumentNullException.ThrowIfNull(member);
        if (!_members.Contains(member))
        {
            throw new ArgumentException($"etcd member {member.Name} is not in this cluster", nameof(member));
        }

        if (member.Process is { } process)
        {
            process.Kill();
            process.WaitForExit();
            process.Dispose();
            member.Process = null;
        }
    }

    /// <summary>Starts a killed member again on its data directory and ports, and waits until it is healthy.</summary>
    public async Task RestartAsync(EtcdMember member)
    {
        ArgumentNullException.ThrowIfNull(member);
        Launch(member);
        await WaitHealthyAsync(member).ConfigureAwait(false);
    }

    /// <summary>The member that is the raft leader now (asked through etcd's JSON gateway).</summary>
    public async Task<EtcdMember> LeaderAsync()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            foreach (var member in _members.Where(m => m.Process is not null))
            {
                try
                {
                    using var content = new StringContent("{}");
                    using var response = await Http.PostAsync(new Uri($"http://127.0.0.1:{member.ClientPort}/v3/maintenance/status"), content).ConfigureAwait(false);
                    using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false));
                    var self = json.RootElement.GetProperty("header").GetProperty("member_id").GetString();
                    if (json.RootElement.TryGetProperty("leader", out var leader) && leader.GetString() == self)
                    {
                        return member;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException)
                {
                }
            }

            await Task.Delay(50).ConfigureAwait(false);
        }

        throw new InvalidOperationException("no etcd member reports being the leader");
    }

    /// <summary>Kills every member by PID and removes the data directories.</summary>
    public void Dispose()
    {
        foreach (var member in _members)
        {
            Kill(member);
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Launch(EtcdMember member)
    {
        var info = new ProcessStartInfo("/usr/bin/etcd")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var client = $"{(_tls ? "https" : "http")}://127.0.0.1:{member.ClientPort}";
        string[] arguments =
        [
            "--name", member.Name, "--data-dir", Path.Combine(_root, member.Name),
            "--listen-client-urls", client, "--advertise-client-urls", client,
            "--listen-peer-urls", $"http://127.0.0.1:{member.PeerPort}", "--initial-advertise-peer-urls", $"http://127.0.0.1:{member.PeerPort}",
            "--initial-cluster", _initialCluster, "--initial-cluster-state", "new", "--initial-cluster-token", _token,
            "--heartbeat-interval", "10", "--election-timeout", "100",
            "--logger", "zap", "--log-outputs", Path.Combine(_root, member.Name + ".log"),
        ];
        foreach (var argument in arguments.Concat(_extraArguments))
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("etcd did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        member.Process = process;
    }

    private async Task WaitHealthyAsync(EtcdMember member)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (member.Process is null || member.Process.HasExited)
            {
                throw new InvalidOperationException($"etcd member {member.Name} exited at start; see {Path.Combine(_root, member.Name + ".log")}");
            }

            if (_tls)
            {
                // Over TLS the health URL needs certificates: a listening port is enough, the store's own connect retries.
                if (await IsListeningAsync(member.ClientPort).ConfigureAwait(false))
                {
                    return;
                }
            }
            else
            {
                try
                {
                    var body = await Http.GetStringAsync(new Uri($"http://127.0.0.1:{member.ClientPort}/health")).ConfigureAwait(false);
                    if (body.Contains("\"health\":\"true\"", StringComparison.Ordinal))
                    {
                        return;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                }
            }

            await Task.Delay(20).ConfigureAwait(false);
        }

        throw new InvalidOperationException($"etcd member {member.Name} was not healthy after 20 s; see {Path.Combine(_root, member.Name + ".log")}");
    }

    private static async Task<bool> IsListeningAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
