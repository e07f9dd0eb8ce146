using Microsoft.Extensions.Configuration;

namespace Cnm.Daemon.Hosting;

/// <summary>
/// Builds cnmd's configuration from, in rising precedence, an optional JSON file (<c>--config-file</c>),
/// <c>CNMD_*</c> environment variables and command-line flags, all through Microsoft.Extensions.Configuration.
/// </summary>
internal static class DaemonConfiguration
{
    /// <summary>The flag of each setting and its configuration key (<see cref="DaemonOptions"/> property).</summary>
    public static readonly Dictionary<string, string> SwitchMappings = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--host"] = nameof(DaemonOptions.Host),
        ["-H"] = nameof(DaemonOptions.Host),
        ["--plugin-dir"] = nameof(DaemonOptions.PluginDir),
        ["--data-root"] = nameof(DaemonOptions.DataRoot),
        ["--exec-root"] = nameof(DaemonOptions.ExecRoot),
        ["--log-level"] = nameof(DaemonOptions.LogLevel),
        ["-l"] = nameof(DaemonOptions.LogLevel),
        ["--config-file"] = nameof(DaemonOptions.ConfigFile),
    };

    private const string SpecDirFlag = "--spec-dir";

    public const string Usage = """
        Usage: cnmd [OPTIONS]

        Cnm network daemon: a Docker-compatible network API on a unix socket.

          -H, --host unix://PATH    API socket (default unix:///run/cnm/cnmd.sock)     env CNMD_HOST
              --plugin-dir DIR      plugin sockets (default /run/docker/plugins)      env CNMD_PLUGINDIR
              --spec-dir DIR        plugin spec files, repeatable                     env CNMD_SPECDIR__0, CNMD_SPECDIR__1, ...
                                    (default /etc/docker/plugins /usr/lib/docker/plugins)
              --data-root DIR       persistent state (default /var/lib/cnm)           env CNMD_DATAROOT
              --exec-root DIR       run-time state (default /run/cnm)                 env CNMD_EXECROOT
          -l, --log-level LEVEL     trace|debug|info|warn|error|fatal (default info)  env CNMD_LOGLEVEL
              --config-file FILE    JSON file with the same keys (Host, PluginDir, SpecDir [..], DataRoot, ExecRoot, LogLevel)
                                                                                      env CNMD_CONFIGFILE
        """;

    /// <summary>Loads and binds the options; throws <see cref="ArgumentException"/> for unknown flags or a bad file.</summary>
    public static (IConfiguration Configuration, DaemonOptions Options) Load(string[] args)
    {
        var normalized = NormalizeRepeatedFlags(args);
        var first = new ConfigurationBuilder()
            .AddEnvironmentVariables("CNMD_")
            .AddCommandLine(normalized, SwitchMappings)
            .Build();
        var configFile = first[nameof(DaemonOptions.ConfigFile)];

        var builder = new ConfigurationBuilder();
        if (!string.IsNullOrEmpty(configFile))
        {
            if (!File.Exists(configFile))
            {
                throw new ArgumentException($"--config-file {configFile}: no such file");
            }

            builder.AddJsonFile(Path.GetFullPath(configFile), optional: false, reloadOnChange: false);
        }

        IConfiguration configuration;
        try
        {
            configuration = builder.AddEnvironmentVariables("CNMD_").AddCommandLine(normalized, SwitchMappings).Build();
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or IOException)
        {
            throw new ArgumentException($"--config-file {configFile}: {ex.Message}", ex);
        }

        var options = new DaemonOptions();
        try
        {
            configuration.Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            throw new ArgumentException($"invalid setting: {ex.Message}", ex);
        }

        return (configuration, options);
    }

    /// <summary>
    /// The command-line provider keeps only the last value of a repeated key, so each <c>--spec-dir</c> is
    /// given its own index (<c>--SpecDir:0=…</c>); unknown flags are refused here rather than ignored.
    /// </summary>
    private static string[] NormalizeRepeatedFlags(string[] args)
    {
        var result = new List<string>(args.Length);
        var index = 0;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            var name = arg.Split('=', 2)[0];
            if (name == SpecDirFlag)
            {
                var value = arg.Contains('=', StringComparison.Ordinal) ? arg[(SpecDirFlag.Length + 1)..]
                    : i + 1 < args.Length ? args[++i]
                    : throw new ArgumentException("--spec-dir needs a directory");
                result.Add($"--{nameof(DaemonOptions.SpecDir)}:{index++}={value}");
            }
            else if (!arg.StartsWith('-'))
            {
                throw new ArgumentException($"unexpected argument \"{arg}\"\n\n{Usage}");
            }
            else if (!SwitchMappings.ContainsKey(name))
            {
                throw new ArgumentException($"unknown flag {name}\n\n{Usage}");
            }
            else
            {
                result.Add(arg);
                if (SwitchMappings.ContainsKey(arg))
                {
                    if (i + 1 >= args.Length)
                    {
                        throw new ArgumentException($"{arg} needs a value");
                    }

                    result.Add(args[++i]);
                }
            }
        }

        return [.. result];
    }
}
