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
        ["--plugin-dir"] = nameof(DaemonOptions.PluginDir),
        ["--data-root"] = nameof(DaemonOptions.DataRoot),
        ["--exec-root"] = nameof(DaemonOptions.ExecRoot),
        ["--store"] = nameof(DaemonOptions.Store),
        ["--store-sync"] = nameof(DaemonOptions.StoreSync),
        ["--sandbox"] = nameof(DaemonOptions.Sandbox),
        ["--host-netns"] = nameof(DaemonOptions.HostNetns),
        ["--log-level"] = nameof(DaemonOptions.LogLevel),
        ["-l"] = nameof(DaemonOptions.LogLevel),
        ["--config-file"] = nameof(DaemonOptions.ConfigFile),
        ["--tlscacert"] = nameof(DaemonOptions.TlsCaCert),
        ["--tlscert"] = nameof(DaemonOptions.TlsCert),
        ["--tlskey"] = nameof(DaemonOptions.TlsKey),
        ["--group"] = nameof(DaemonOptions.Group),
        ["-G"] = nameof(DaemonOptions.Group),
        ["--cluster-store"] = nameof(DaemonOptions.ClusterStore),
        ["--cluster-store-cacert"] = nameof(DaemonOptions.ClusterStoreCaCert),
        ["--cluster-store-cert"] = nameof(DaemonOptions.ClusterStoreCert),
        ["--cluster-store-key"] = nameof(DaemonOptions.ClusterStoreKey),
        ["--node-name"] = nameof(DaemonOptions.NodeName),
        ["--advertise-addr"] = nameof(DaemonOptions.AdvertiseAddr),
        ["--cluster-lease-ttl"] = nameof(DaemonOptions.ClusterLeaseTtl),
    };

    /// <summary>Repeatable flags: each value gets its own index (<c>--SpecDir:0=…</c>).</summary>
    private static readonly Dictionary<string, string> ListFlags = new(StringComparer.Ordinal)
    {
        ["--spec-dir"] = nameof(DaemonOptions.SpecDir),
        ["--replay-create-network"] = nameof(DaemonOptions.ReplayCreateNetwork),
        ["--host"] = nameof(DaemonOptions.Host),
        ["-H"] = nameof(DaemonOptions.Host),
    };

    private const string TlsVerifyFlag = "--tlsverify";
    private const string PluginTlsVerifyFlag = "--plugin-tls-verify";

    public const string Usage = """
        Usage: cnmd [OPTIONS]

        Cnm network daemon: a Docker-compatible network API on a unix socket (and, with TLS, on TCP).

          -H, --host ADDRESS        unix:///PATH or tcp://IP:PORT, repeatable         env CNMD_HOST, or CNMD_HOST__0, CNMD_HOST__1, ...
                                    (default unix:///run/cnm/cnmd.sock); tcp:// needs all four TLS flags below
              --tlsverify           serve TCP with TLS, require client certificates   env CNMD_TLSVERIFY=true
              --tlscacert FILE      PEM CA(s) trusted for client certificates (only)  env CNMD_TLSCACERT
              --tlscert FILE        PEM server certificate                            env CNMD_TLSCERT
              --tlskey FILE         PEM server private key                            env CNMD_TLSKEY
          -G, --group GROUP         group of the unix sockets, mode 0660              env CNMD_GROUP
                                    (default docker if that group exists, else 0)
              --plugin-dir DIR      plugin sockets (default /run/docker/plugins)      env CNMD_PLUGINDIR
              --plugin-tls-verify   refuse plugins reached over https:// without       env CNMD_PLUGINTLSVERIFY=true
                                    verifying their certificate (default: warn)
              --spec-dir DIR        plugin spec files, repeatable                     env CNMD_SPECDIR__0, CNMD_SPECDIR__1, ...
                                    (default /etc/docker/plugins /usr/lib/docker/plugins)
              --data-root DIR       persistent state (default /var/lib/cnm)           env CNMD_DATAROOT
              --exec-root DIR       run-time state (default /run/cnm)                 env CNMD_EXECROOT
              --store KIND          sqlite|memory: the state file in the data root, or  env CNMD_STORE
                                    nothing kept across restarts (default sqlite)
              --store-sync MODE     full|normal: fsync every state commit, or survive  env CNMD_STORESYNC
                                    kill -9 only (default full; see spec/store.md)
              --sandbox KIND        linux|memory: network namespaces, which need       env CNMD_SANDBOX
                                    CAP_SYS_ADMIN and CAP_NET_ADMIN, or a model only that touches
                                    no kernel object, for tests and dry runs (default linux)
              --host-netns PATH     network namespace file Cnm treats as its host      env CNMD_HOSTNETNS
                                    (plugins' interfaces come from it and go back to it; default
                                    cnmd's own)
              --replay-create-network PLUGIN                                          env CNMD_REPLAYCREATENETWORK__0, ...
                                    send CreateNetwork again for each of the plugin's networks whenever it
                                    is activated (for plugins that keep no state), repeatable
              --cluster-store URL   etcd://h1:p1,h2:p2 or etcds://...: keep networks   env CNMD_CLUSTERSTORE
                                    of global-scope drivers there (spec/cluster.md); without it
                                    they are refused
              --cluster-store-cacert FILE  PEM CA of the etcd members (etcds://)     env CNMD_CLUSTERSTORECACERT
              --cluster-store-cert FILE    PEM client certificate for etcd           env CNMD_CLUSTERSTORECERT
              --cluster-store-key FILE     PEM key of that certificate               env CNMD_CLUSTERSTOREKEY
              --node-name NAME      this node's name in the cluster (default: host    env CNMD_NODENAME
                                    name)
              --advertise-addr IP[:PORT]  the address other nodes reach this node at  env CNMD_ADVERTISEADDR
                                    (membership and node discovery need it)
              --cluster-lease-ttl SECONDS  membership lease TTL, 2 to 3600 (default 15)  env CNMD_CLUSTERLEASETTL
          -l, --log-level LEVEL     trace|debug|info|warn|error|fatal (default info)  env CNMD_LOGLEVEL
              --check               check the state file in the data root, print a report
                                    and exit: 0 healthy, 1 not, 2 bad usage
              --config-file FILE    JSON file with the same keys (Host, PluginDir, PluginTlsVerify, SpecDir [..], DataRoot, ExecRoot, Store, StoreSync,
                                    Sandbox, HostNetns, ReplayCreateNetwork [..], LogLevel,
                                    ClusterStore, ClusterStoreCaCert, ClusterStoreCert, ClusterStoreKey, NodeName, AdvertiseAddr, ClusterLeaseTtl)
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
            options.Host = ResolveHosts((IConfigurationRoot)configuration);
        }
        catch (InvalidOperationException ex)
        {
            throw new ArgumentException($"invalid setting: {ex.Message}", ex);
        }

        return (configuration, options);
    }

    /// <summary>
    /// The hosts of the source with the highest precedence that names any, so that one <c>--host</c> replaces
    /// the file's list instead of merging index by index. A source may give one value (<c>"Host": "unix://…"</c>,
    /// <c>CNMD_HOST</c>) or a list (<c>"Host": [..]</c>, <c>CNMD_HOST__0</c>, repeated <c>--host</c>).
    /// </summary>
    private static List<string>? ResolveHosts(IConfigurationRoot configuration)
    {
        const string key = nameof(DaemonOptions.Host);
        foreach (var provider in configuration.Providers.Reverse())
        {
            var children = provider.GetChildKeys([], key).Distinct(StringComparer.Ordinal)
                .OrderBy(k => int.TryParse(k, out var n) ? n : int.MaxValue).ToList();
            if (children.Count > 0)
            {
                return [.. children.Select(c => provider.TryGet($"{key}:{c}", out var v) ? v ?? "" : "")];
            }

            if (provider.TryGet(key, out var value) && !string.IsNullOrEmpty(value))
            {
                return [value];
            }
        }

        return null;
    }

    /// <summary>
    /// The command-line provider keeps only the last value of a repeated key, so each <c>--spec-dir</c> is
    /// given its own index (<c>--SpecDir:0=…</c>); unknown flags are refused here rather than ignored.
    /// </summary>
    private static string[] NormalizeRepeatedFlags(string[] args)
    {
        var result = new List<string>(args.Length);
        var indexes = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            var name = arg.Split('=', 2)[0];
            if (ListFlags.TryGetValue(name, out var key))
            {
                var value = arg.Contains('=', StringComparison.Ordinal) ? arg[(name.Length + 1)..]
                    : i + 1 < args.Length ? args[++i]
                    : throw new ArgumentException($"{name} needs a value");
                var index = indexes.GetValueOrDefault(key);
                indexes[key] = index + 1;
                result.Add($"--{key}:{index}={value}");
            }
            else if (name is TlsVerifyFlag or PluginTlsVerifyFlag)
            {
                // A switch, as in dockerd: --tlsverify alone means true; --tlsverify=false is accepted too.
                var value = arg.Contains('=', StringComparison.Ordinal) ? arg[(name.Length + 1)..] : "true";
                result.Add($"--{(name == TlsVerifyFlag ? nameof(DaemonOptions.TlsVerify) : nameof(DaemonOptions.PluginTlsVerify))}={value}");
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
