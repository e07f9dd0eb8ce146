using System.CommandLine;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Cnm.Cli;

/// <summary>The cnm command tree.</summary>
internal static partial class Commands
{
    private static readonly Option<string> Host = new("--host", "-H")
    {
        Description = "cnmd's API: unix:///path or tcp://address:port with the TLS options (env CNM_HOST)",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("CNM_HOST") is { Length: > 0 } h ? h : "unix:///run/cnm/cnmd.sock",
    };

    private static readonly Option<string> Format = CreateFormat();

    private static readonly Option<string?> TlsCaCert = TlsOption("--tlscacert", "CA certificate (PEM) that signed cnmd's TCP certificate", "CNM_TLS_CACERT");

    private static readonly Option<string?> TlsCert = TlsOption("--tlscert", "client certificate (PEM) for TCP", "CNM_TLS_CERT");

    private static readonly Option<string?> TlsKey = TlsOption("--tlskey", "client private key (PEM) for TCP", "CNM_TLS_KEY");

    private static readonly Option<string?> TlsDir = TlsOption("--tls-dir", "directory with ca.pem, cert.pem and key.pem, for the TLS files not given", "CNM_TLS_DIR");

    private static Option<string?> TlsOption(string name, string description, string variable) => new(name)
    {
        Description = $"{description} (env {variable})",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(variable) is { Length: > 0 } v ? v : null,
    };

    /// <summary>The TLS files: each flag (or its variable) wins over the file of the same role in --tls-dir.</summary>
    private static TlsFiles Tls(ParseResult parse)
    {
        var dir = parse.GetValue(TlsDir);
        string? From(Option<string?> option, string file) =>
            parse.GetValue(option) ?? (dir is null ? null : Path.Combine(dir, file));
        return new TlsFiles(From(TlsCaCert, "ca.pem"), From(TlsCert, "cert.pem"), From(TlsKey, "key.pem"));
    }

    private static Option<string> CreateFormat()
    {
        var option = new Option<string>("--format")
        {
            Description = "output format: table (default) or json (the API's JSON)",
            Recursive = true,
            DefaultValueFactory = _ => "table",
        };
        option.AcceptOnlyFromAmong("table", "json");
        return option;
    }

    /// <summary>Builds the root command.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("cnm: the command line for cnmd (Cnm's network daemon)");
        root.Options.Add(Host);
        root.Options.Add(Format);
        root.Options.Add(TlsCaCert);
        root.Options.Add(TlsCert);
        root.Options.Add(TlsKey);
        root.Options.Add(TlsDir);
        root.Subcommands.Add(Network());
        root.Subcommands.Add(Sandbox());
        root.Subcommands.Add(Endpoint());
        root.Subcommands.Add(Plugin());
        root.Subcommands.Add(Ipam());
        root.Subcommands.Add(SystemCommand());
        root.Subcommands.Add(CompletionCommand.Create());
        return root;
    }

    private static async Task<int> RunAsync(ParseResult parse, string operation, Func<CnmApiClient, Task<string>> action)
    {
        try
        {
            using var client = CnmApiClient.Create(parse.GetValue(Host)!, Tls(parse));
            client.Operation = operation;
            var output = await action(client).ConfigureAwait(false);
            if (output.Length > 0)
            {
                await Console.Out.WriteAsync(output.EndsWith('\n') ? output : output + Environment.NewLine).ConfigureAwait(false);
            }

            return 0;
        }
        catch (CliException ex)
        {
            await Console.Error.WriteLineAsync("cnm: " + ex.Message).ConfigureAwait(false);
            return ex.ExitCode;
        }
    }

    /// <summary>
    /// An <c>ls</c> (alias <c>list</c>) that gets <paramref name="path"/> and prints the answer as it is with
    /// <c>--format json</c>, else as <paramref name="table"/> lays it out.
    /// </summary>
    private static Command ListCommand(string description, string operation, string path, Func<string, string> table)
    {
        var ls = new Command("ls", description);
        ls.Aliases.Add("list");
        ls.SetAction((p, ct) => RunAsync(p, operation, async client =>
        {
            var answer = await client.SendAsync(HttpMethod.Get, path, ct).ConfigureAwait(false);
            return Json(p) ? answer : table(answer);
        }));
        return ls;
    }

    /// <summary>Each reference's item, fetched in turn, as one JSON array (as <c>docker network inspect</c> prints).</summary>
    private static async Task<string> InspectEachAsync(CnmApiClient client, string[] references, Func<string, string> path,
        CancellationToken cancellationToken)
    {
        var items = new List<JsonElement>();
        foreach (var reference in references)
        {
            items.Add(Parse(await client.SendAsync(HttpMethod.Get, path(reference), cancellationToken).ConfigureAwait(false)));
        }

        return JsonSerializer.Serialize(items, CliOutputJsonContext.Default.ListJsonElement) + Environment.NewLine;
    }

    /// <summary>Deletes each reference's item in turn and prints the references; the first failure stops the rest.</summary>
    private static async Task<string> RemoveEachAsync(CnmApiClient client, string[] references, Func<string, string> path,
        CancellationToken cancellationToken)
    {
        var output = new StringBuilder();
        foreach (var reference in references)
        {
            await client.SendAsync(HttpMethod.Delete, path(reference), cancellationToken).ConfigureAwait(false);
            output.AppendLine(reference);
        }

        return output.ToString();
    }

    private static bool Json(ParseResult parse) => parse.GetValue(Format) == "json";

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static string Str(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    private static string Short(string id) => id.Length > 12 ? id[..12] : id;

    private static string Table(string[] headers, IEnumerable<string[]> rows)
    {
        var all = new List<string[]> { headers };
        all.AddRange(rows);
        var widths = headers.Select((_, i) => all.Max(r => r[i].Length)).ToArray();
        var output = new StringBuilder();
        foreach (var row in all)
        {
            output.AppendLine(string.Join("   ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
        }

        return output.ToString();
    }
}
