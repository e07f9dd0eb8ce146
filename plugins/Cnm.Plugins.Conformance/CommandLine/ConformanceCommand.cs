using System.CommandLine;
using System.Globalization;

namespace Cnm.Plugins.Conformance.CommandLine;

/// <summary>
/// The conformance kit as a command line, shared by <c>cnm plugin check</c> and the <c>cnm-plugin-check</c> dotnet
/// tool: <c>check NAME|ADDRESS [--output table|json|junit] [--plugin-dir DIR] [--spec-dir DIR]... [--prefix P]
/// [--timeout SECONDS]</c>. It prints the report on standard output and a progress line on standard error, and exits
/// 0 when no check failed, 1 when one did, 2 when the plugin cannot be found or the arguments are wrong.
/// </summary>
public static class ConformanceCommand
{
    /// <summary>Exit code when no check failed.</summary>
    public const int Passed = 0;

    /// <summary>Exit code when at least one check failed.</summary>
    public const int Failed = 1;

    /// <summary>Exit code when the plugin could not be found or the arguments are wrong.</summary>
    public const int Unusable = 2;

    /// <summary>Creates the command (to add under another command, as cnm does under <c>plugin</c>).</summary>
    /// <param name="name">The command's name, e.g. <c>check</c>.</param>
    public static Command Create(string name) => Configure(new Command(name, Description));

    /// <summary>Creates the command as a program's root command (the dotnet tool).</summary>
    public static RootCommand CreateRoot() => (RootCommand)Configure(new RootCommand(Description));

    private const string Description = "Check a network or IPAM plugin against the plugin protocol and say where it breaks it";

    private static Command Configure(Command command)
    {
        var target = new Argument<string>("NAME|ADDRESS")
        {
            Description = "a plugin name (found as the host finds it), a socket path, or unix:///path, tcp://host:port, http(s)://host:port",
        };
        var output = new Option<string>("--output", "-o") { Description = "report format: table, json or junit (JUnit XML)", DefaultValueFactory = _ => "table" };
        output.AcceptOnlyFromAmong("table", "json", "junit");
        var pluginDir = new Option<string>("--plugin-dir") { Description = "where plugin sockets are", DefaultValueFactory = _ => "/run/docker/plugins" };
        var specDir = new Option<string[]>("--spec-dir")
        {
            Description = "where .spec and .json files are (repeatable; default /etc/docker/plugins /usr/lib/docker/plugins)",
            DefaultValueFactory = _ => ["/etc/docker/plugins", "/usr/lib/docker/plugins"],
        };
        var prefix = new Option<string>("--prefix") { Description = "hex prefix of every ID the kit creates", DefaultValueFactory = _ => "c0ffee" };
        var timeout = new Option<double>("--timeout") { Description = "seconds a call may take before its check fails", DefaultValueFactory = _ => 10 };
        command.Arguments.Add(target);
        command.Options.Add(output);
        command.Options.Add(pluginDir);
        command.Options.Add(specDir);
        command.Options.Add(prefix);
        command.Options.Add(timeout);
        command.SetAction((parse, ct) => RunAsync(new Invocation(
            parse.GetValue(target)!, parse.GetValue(output)!, parse.GetValue(pluginDir)!, parse.GetValue(specDir)!,
            parse.GetValue(prefix)!, parse.GetValue(timeout)), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        return command;
    }

    private static async Task<int> RunAsync(Invocation invocation, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        PluginSpec spec;
        try
        {
            if (invocation.Prefix.Length == 0 || !invocation.Prefix.All(char.IsAsciiHexDigit) || invocation.Prefix.Length > 32)
            {
                throw new ArgumentException($"--prefix \"{invocation.Prefix}\" must be 1 to 32 hex digits (IDs are hex)");
            }

            if (invocation.TimeoutSeconds is <= 0 or > 3600 || double.IsNaN(invocation.TimeoutSeconds))
            {
                throw new ArgumentException($"--timeout {invocation.TimeoutSeconds.ToString(CultureInfo.InvariantCulture)} must be between 0 and 3600 seconds");
            }

            spec = PluginTarget.Resolve(invocation.Target, invocation.PluginDir, invocation.SpecDirs);
        }
        catch (Exception ex) when (ex is ArgumentException or PluginException)
        {
            await stderr.WriteLineAsync($"plugin check: {ex.Message}").ConfigureAwait(false);
            return Unusable;
        }

        var progress = new ProgressLine(stderr, interactive: ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected);
        var report = await ConformanceKit.RunAsync(spec, new ConformanceOptions
        {
            Prefix = invocation.Prefix.ToLowerInvariant(),
            CallTimeout = TimeSpan.FromSeconds(invocation.TimeoutSeconds),
        }, progress, ct).ConfigureAwait(false);
        progress.Clear();
        var text = invocation.Output switch
        {
            "json" => report.ToJson(),
            "junit" => report.ToJUnitXml(),
            _ => report.ToTable(),
        };
        await stdout.WriteAsync(text.EndsWith('\n') ? text : text + Environment.NewLine).ConfigureAwait(false);
        return report.Passed ? Passed : Failed;
    }

    private sealed record Invocation(string Target, string Output, string PluginDir, string[] SpecDirs, string Prefix, double TimeoutSeconds);
}
