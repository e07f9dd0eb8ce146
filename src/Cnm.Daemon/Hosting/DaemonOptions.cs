using Microsoft.Extensions.Logging;

namespace Cnm.Daemon.Hosting;

/// <summary>
/// cnmd's settings. Each comes from a flag (<c>--host</c>), an environment variable (<c>CNMD_HOST</c>) or
/// a JSON config file (<c>--config-file</c>, key <c>Host</c>); flags win over the environment, which wins
/// over the file. Paths default to the reference host's (ARCHITECTURE.md, "Defaults a user can override").
/// </summary>
public sealed class DaemonOptions
{
    /// <summary>The spec directories used when none is configured.</summary>
    public static readonly IReadOnlyList<string> DefaultSpecDirectories = ["/etc/docker/plugins", "/usr/lib/docker/plugins"];

    /// <summary>The API address; only <c>unix://PATH</c> in this version. Default <c>unix:///run/cnm/cnmd.sock</c>.</summary>
    public string Host { get; set; } = "unix:///run/cnm/cnmd.sock";

    /// <summary>Directory of plugin sockets. Default <c>/run/docker/plugins</c>.</summary>
    public string PluginDir { get; set; } = "/run/docker/plugins";

    /// <summary>Directories of plugin spec files (repeatable flag); null means <see cref="DefaultSpecDirectories"/>.</summary>
    public IReadOnlyList<string>? SpecDir { get; set; }

    /// <summary>Persistent state. Default <c>/var/lib/cnm</c>.</summary>
    public string DataRoot { get; set; } = "/var/lib/cnm";

    /// <summary>Run-time state (sandboxes). Default <c>/run/cnm</c>.</summary>
    public string ExecRoot { get; set; } = "/run/cnm";

    /// <summary>Minimum log level: trace, debug, info, warn, error, fatal (Docker's names) or a .NET LogLevel name. Default info.</summary>
    public string LogLevel { get; set; } = "info";

    /// <summary>An optional JSON file with any of these settings.</summary>
    public string? ConfigFile { get; set; }

    /// <summary>The spec directories in effect.</summary>
    public IReadOnlyList<string> SpecDirectories => SpecDir is { Count: > 0 } dirs ? dirs : DefaultSpecDirectories;

    /// <summary>The API socket path, from <see cref="Host"/>.</summary>
    public string SocketPath => ParseHost(Host);

    /// <summary>The parsed <see cref="LogLevel"/>.</summary>
    public LogLevel MinimumLevel => ParseLogLevel(LogLevel);

    /// <summary>Throws <see cref="ArgumentException"/> with a message for people when a setting is invalid.</summary>
    public void Validate()
    {
        _ = SocketPath;
        _ = MinimumLevel;
        RequireAbsolute("--plugin-dir", PluginDir);
        RequireAbsolute("--data-root", DataRoot);
        RequireAbsolute("--exec-root", ExecRoot);
        foreach (var dir in SpecDirectories)
        {
            RequireAbsolute("--spec-dir", dir);
        }
    }

    private static void RequireAbsolute(string flag, string path)
    {
        if (string.IsNullOrWhiteSpace(path) || !Path.IsPathFullyQualified(path))
        {
            throw new ArgumentException($"{flag} must be an absolute path, not \"{path}\"");
        }
    }

    private static string ParseHost(string host)
    {
        const string unix = "unix://";
        if (host.StartsWith(unix, StringComparison.Ordinal))
        {
            var path = host[unix.Length..];
            if (!Path.IsPathFullyQualified(path))
            {
                throw new ArgumentException($"--host {host}: the socket path must be absolute, as in unix:///run/cnm/cnmd.sock");
            }

            return path;
        }

        if (host.StartsWith("tcp://", StringComparison.Ordinal) || host.StartsWith("http", StringComparison.Ordinal))
        {
            throw new ArgumentException($"--host {host}: TCP needs TLS flags; not supported yet (use unix:///PATH)");
        }

        throw new ArgumentException($"--host {host}: expected unix:///PATH");
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
