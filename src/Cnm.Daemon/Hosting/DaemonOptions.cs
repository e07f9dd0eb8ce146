using Microsoft.Extensions.Logging;

namespace Cnm.Daemon.Hosting;

/// <summary>
/// cnmd's settings. Each comes from a flag (<c>--host</c>), an environment variable (<c>CNMD_HOST</c>) or
/// a JSON config file (<c>--config-file</c>, key <c>Host</c>); flags win over the environment, which wins
/// over the file. Paths default to the reference host's (docs/architecture.md, "Defaults a user can override").
/// </summary>
public sealed partial class DaemonOptions
{
    /// <summary>The spec directories used when none is configured.</summary>
    public static readonly IReadOnlyList<string> DefaultSpecDirectories = ["/etc/docker/plugins", "/usr/lib/docker/plugins"];

    /// <summary>The default API address.</summary>
    public const string DefaultHost = "unix:///run/cnm/cnmd.sock";

    /// <summary>
    /// The API addresses (repeatable <c>--host</c>): <c>unix:///PATH</c> and, only with the TLS settings,
    /// <c>tcp://ADDRESS:PORT</c>. Null means <see cref="DefaultHost"/>.
    /// </summary>
    public IReadOnlyList<string>? Host { get; set; }

    /// <summary>Serve TCP with TLS and require client certificates signed by <see cref="TlsCaCert"/> (Docker's <c>--tlsverify</c>).</summary>
    public bool TlsVerify { get; set; }

    /// <summary>
    /// Refuse plugins reached over https:// without verifying their certificate (<c>--plugin-tls-verify</c>); by default
    /// they are activated with a Warning that names the plugin and its spec file.
    /// </summary>
    public bool PluginTlsVerify { get; set; }

    /// <summary>PEM file of the CA(s) that sign client certificates: the only trust anchors for clients.</summary>
    public string? TlsCaCert { get; set; }

    /// <summary>PEM file of the server certificate served on TCP.</summary>
    public string? TlsCert { get; set; }

    /// <summary>PEM file of the server certificate's private key.</summary>
    public string? TlsKey { get; set; }

    /// <summary>
    /// The group that owns the unix sockets (mode 0660): a name or a numeric id. Null means <c>docker</c> when
    /// that group exists, else group 0, as dockerd does.
    /// </summary>
    public string? Group { get; set; }

    /// <summary>Directory of plugin sockets. Default <c>/run/docker/plugins</c>.</summary>
    public string PluginDir { get; set; } = "/run/docker/plugins";

    /// <summary>Directories of plugin spec files (repeatable flag); null means <see cref="DefaultSpecDirectories"/>.</summary>
    public IReadOnlyList<string>? SpecDir { get; set; }

    /// <summary>
    /// Plugins that keep no state across their own restarts: each time one is activated, CreateNetwork is sent
    /// again for each of its networks (repeatable flag; spec/store.md, "Replaying CreateNetwork").
    /// </summary>
    public IReadOnlyList<string>? ReplayCreateNetwork { get; set; }

    /// <summary>Persistent state. Default <c>/var/lib/cnm</c>.</summary>
    public string DataRoot { get; set; } = "/var/lib/cnm";

    /// <summary>Run-time state (sandboxes). Default <c>/run/cnm</c>.</summary>
    public string ExecRoot { get; set; } = "/run/cnm";

    /// <summary>Minimum log level: trace, debug, info, warn, error, fatal (Docker's names) or a .NET LogLevel name. Default info.</summary>
    public string LogLevel { get; set; } = "info";

    /// <summary>
    /// When a state-store commit is acknowledged: <c>full</c> (default; survives power loss) or <c>normal</c>
    /// (survives kill -9; a power loss may lose the last acknowledged operations). spec/store.md, "Durability".
    /// </summary>
    public string StoreSync { get; set; } = "full";

    /// <summary>
    /// Where the controller keeps its state: <c>sqlite</c> (default; <see cref="StorePath"/>, survives restarts)
    /// or <c>memory</c> (nothing survives a restart; for tests and benchmarks). spec/store.md, "Choosing the store".
    /// </summary>
    public string Store { get; set; } = "sqlite";

    /// <summary>
    /// What sandboxes are: <c>linux</c> (default; network namespaces, interfaces really moved; needs CAP_SYS_ADMIN
    /// and CAP_NET_ADMIN) or <c>memory</c> (a model only, nothing touches the kernel; a test and dry-run mode).
    /// spec/linux-sandboxes.md, "cnmd".
    /// </summary>
    public string Sandbox { get; set; } = "linux";

    /// <summary>True when <see cref="Sandbox"/> is <c>memory</c>.</summary>
    public bool InMemorySandboxes => Sandbox.ToLowerInvariant() switch
    {
        "linux" => false,
        "memory" => true,
        _ => throw new ArgumentException($"--sandbox {Sandbox}: expected linux or memory"),
    };

    /// <summary>
    /// The network namespace Cnm treats as its host (a namespace file such as <c>/run/netns/cnm-host</c> or
    /// <c>/proc/PID/ns/net</c>): interfaces named by plugins are taken from it and given back to it. Null for cnmd's own.
    /// </summary>
    public string? HostNetns { get; set; }

    /// <summary>True when <see cref="Store"/> is <c>memory</c>.</summary>
    public bool InMemoryStore => Store.ToLowerInvariant() switch
    {
        "sqlite" => false,
        "memory" => true,
        _ => throw new ArgumentException($"--store {Store}: expected sqlite or memory"),
    };

    /// <summary>The state file: <c>cnm.db</c> in <see cref="DataRoot"/>.</summary>
    public string StorePath => Path.Combine(DataRoot, "cnm.db");

    /// <summary>The parsed <see cref="StoreSync"/>.</summary>
    public Cnm.Store.Sqlite.StoreSync StoreSyncMode => StoreSync.ToLowerInvariant() switch
    {
        "full" => Cnm.Store.Sqlite.StoreSync.Full,
        "normal" => Cnm.Store.Sqlite.StoreSync.Normal,
        _ => throw new ArgumentException($"--store-sync {StoreSync}: expected full or normal"),
    };

    /// <summary>An optional JSON file with any of these settings.</summary>
    public string? ConfigFile { get; set; }

    /// <summary>The spec directories in effect.</summary>
    public IReadOnlyList<string> SpecDirectories => SpecDir is { Count: > 0 } dirs ? dirs : DefaultSpecDirectories;

    /// <summary>The parsed API addresses, from <see cref="Host"/>.</summary>
    public IReadOnlyList<ListenAddress> Listeners =>
        [.. (Host is { Count: > 0 } hosts ? hosts : [DefaultHost]).Select(ListenAddress.Parse)];

    /// <summary>The unix socket paths among <see cref="Listeners"/>.</summary>
    public IReadOnlyList<string> SocketPaths => [.. Listeners.Where(l => l.SocketPath is not null).Select(l => l.SocketPath!)];

    /// <summary>The parsed <see cref="LogLevel"/>.</summary>
    public LogLevel MinimumLevel => ParseLogLevel(LogLevel);

    /// <summary>Throws <see cref="ArgumentException"/> with a message for people when a setting is invalid.</summary>
    public void Validate()
    {
        var listeners = Listeners;
        var duplicate = listeners.GroupBy(l => l.ToString(), StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"--host {duplicate.Key} is given twice");
        }

        if (listeners.Any(l => l.SocketPath is null))
        {
            RequireTls(listeners.First(l => l.SocketPath is null));
        }

        _ = MinimumLevel;
        _ = StoreSyncMode;
        _ = InMemoryStore;
        if (HostNetns is not null)
        {
            RequireAbsolute("--host-netns", HostNetns);
            if (InMemorySandboxes)
            {
                throw new ArgumentException($"--host-netns {HostNetns} needs --sandbox linux: in-memory sandboxes have no namespaces");
            }
        }
        else
        {
            _ = InMemorySandboxes;
        }

        ValidateCluster();
        RequireAbsolute("--plugin-dir", PluginDir);
        RequireAbsolute("--data-root", DataRoot);
        RequireAbsolute("--exec-root", ExecRoot);
        foreach (var dir in SpecDirectories)
        {
            RequireAbsolute("--spec-dir", dir);
        }

        foreach (var name in ReplayCreateNetwork ?? [])
        {
            if (!Cnm.Plugins.Discovery.PluginDiscovery.IsValidName(name))
            {
                throw new ArgumentException($"--replay-create-network \"{name}\": not a valid plugin name (^[A-Za-z0-9][A-Za-z0-9_.-]*$, optionally :tag)");
            }
        }
    }

    private static void RequireAbsolute(string flag, string path)
    {
        if (string.IsNullOrWhiteSpace(path) || !Path.IsPathFullyQualified(path))
        {
            throw new ArgumentException($"{flag} must be an absolute path, not \"{path}\"");
        }
    }

    /// <summary>TCP is served only with TLS and client certificates (spec/daemon-api.md, "Listening and TLS").</summary>
    private void RequireTls(ListenAddress tcp)
    {
        var missing = new List<string>();
        if (!TlsVerify)
        {
            missing.Add("--tlsverify");
        }

        if (string.IsNullOrWhiteSpace(TlsCaCert))
        {
            missing.Add("--tlscacert");
        }

        if (string.IsNullOrWhiteSpace(TlsCert))
        {
            missing.Add("--tlscert");
        }

        if (string.IsNullOrWhiteSpace(TlsKey))
        {
            missing.Add("--tlskey");
        }

        if (missing.Count > 0)
        {
            throw new ArgumentException(
                $"--host {tcp}: TCP is served only with TLS and client certificates; missing {string.Join(", ", missing)}");
        }
    }

    private static LogLevel ParseLogLevel(string value) => value.ToLowerInvariant() switch
    {
        "trace" => Microsoft.Extensions.Logging.LogLevel.Trace,
        "debug" => Microsoft.Extensions.Logging.LogLevel.Debug,
        "info" or "information" => Microsoft.Extensions.Logging.LogLevel.Information,
        "warn" or "warning" => Microsoft.Extensions.Logging.LogLevel.Warning,
        "error" => Microsoft.Extensions.Logging.LogLevel.Error,
        "fatal" or "critical" => Microsoft.Extensions.Logging.LogLevel.Critical,
        "none" => Microsoft.Extensions.Logging.LogLevel.None,
        _ => throw new ArgumentException($"--log-level {value}: expected trace, debug, info, warn, error or fatal"),
    };
}
