using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Cnm.Daemon.Tests;

/// <summary>
/// The OpenAPI document cnmd serves at /cnm/v1/openapi.json: it equals spec/daemon-api.json, it describes every
/// route cnmd maps (from cnmd's own route log), and it is a well-formed OpenAPI 3 document.
/// </summary>
public sealed partial class OpenApiTests(DaemonFixture fixture) : IClassFixture<DaemonFixture>
{
    /// <summary>Routes left out of the document on purpose (ExcludeFromDescription), and why.</summary>
    private static readonly HashSet<string> DeliberatelyExcluded =
    [
        "GET /cnm/v1/openapi.json", // the document itself
        "* /metrics", // Prometheus text exposition, described in spec/daemon-api.md
        "* {*path:nonfile}", // the fallback: 404 "page not found" for every unknown route
        "* /containers/{**rest}", // every container route but inspect: 404 "No such container" or "cnmd is not a container engine"
    ];

    private static readonly string[] HttpMethods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    [GeneratedRegex(@"^\s*API route (\S+) (\S+) \((.+)\)\s*$")]
    private static partial Regex RouteLine();

    [GeneratedRegex(@"^\s*API routes: (\d+) mapped")]
    private static partial Regex RoutesLine();

    [GeneratedRegex(@"\{\*?([^}:=?]+)[^}]*\}")]
    private static partial Regex RouteParameter();

    private async Task<string> GetDocumentAsync()
    {
        using var response = await fixture.Http.GetAsync("/cnm/v1/openapi.json");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return text;
    }

    [Fact]
    public async Task Document_AsServed_EqualsSpecFile()
    {
        var served = OpenApiSpecFile.Format(await GetDocumentAsync());
        var file = OpenApiSpecFile.FilePath;
        if (Environment.GetEnvironmentVariable(OpenApiSpecFile.UpdateVariable) == "1")
        {
            await File.WriteAllTextAsync(file, served);
        }

        Assert.True(File.Exists(file), $"{file} is missing; write it with: {OpenApiSpecFile.RegenerateCommand}");
        var differences = OpenApiSpecFile.Differences(await File.ReadAllTextAsync(file), served);
        Assert.True(differences.Count == 0,
            $"spec/daemon-api.json is stale ({differences.Count} differences; expected: the file, got: the served document):\n  {string.Join("\n  ", differences)}\n"
            + $"If the change is intended, regenerate it with: {OpenApiSpecFile.RegenerateCommand}");
    }

    [Fact]
    public async Task Document_EveryMappedRoute_IsDescribedOrDeliberatelyExcluded()
    {
        var routes = await MappedRoutesAsync();
        var paths = JsonNode.Parse(await GetDocumentAsync())!["paths"]!.AsObject();
        var problems = new List<string>();
        var described = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (methods, pattern, state) in routes)
        {
            var route = $"{methods} {pattern}";
            if (state != "described")
            {
                if (!DeliberatelyExcluded.Contains(route))
                {
                    problems.Add($"{route}: {state}; describe it (WithName, WithSummary, WithTags, Produces…), or exclude it on purpose "
                        + "with ExcludeFromDescription and add it to OpenApiTests.DeliberatelyExcluded with the reason");
                }

                continue;
            }

            var path = DocumentPath(pattern);
            foreach (var method in methods.Split(','))
            {
                var name = $"{method} {path}";
                described.Add(name);
                if (paths[path]?[method.ToLowerInvariant()] is not JsonObject operation)
                {
                    problems.Add($"{name}: mapped but not in the document");
                    continue;
                }

                problems.AddRange(MissingMetadata(operation).Select(m => $"{name}: {m}"));
            }
        }

        var operations = paths.SelectMany(p => p.Value!.AsObject().Where(o => HttpMethods.Contains(o.Key))
            .Select(o => $"{o.Key.ToUpperInvariant()} {p.Key}")).ToList();
        problems.AddRange(operations.Where(o => !described.Contains(o)).Select(o => $"{o}: in the document but no such route is mapped"));
        problems.AddRange(DeliberatelyExcluded.Where(e => !routes.Any(r => $"{r.Methods} {r.Pattern}" == e))
            .Select(e => $"{e}: listed as excluded but no longer mapped"));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.True(operations.Count >= 16, $"only {operations.Count} operations: {string.Join(", ", operations)}");
    }

    [Fact]
    public async Task Document_IsOpenApi3_WithResolvableReferences()
    {
        var text = await GetDocumentAsync();
        var root = JsonNode.Parse(text)!.AsObject();
        Assert.StartsWith("3.", (string?)root["openapi"], StringComparison.Ordinal);
        Assert.Equal("cnmd API", (string?)root["info"]?["title"]);
        var version = JsonNode.Parse(await fixture.Http.GetStringAsync("/version"))!["ApiVersion"]!.GetValue<string>();
        Assert.Equal(version, (string?)root["info"]?["version"]);
        Assert.Contains("/v1.47/networks", (string?)root["info"]?["description"], StringComparison.Ordinal);
        var paths = Assert.IsType<JsonObject>(root["paths"]);
        Assert.NotEmpty(paths);

        var problems = new List<string>();
        var operationIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (path, item) in paths)
        {
            if (!path.StartsWith('/'))
            {
                problems.Add($"path {path} does not start with /");
            }

            foreach (var (method, node) in item!.AsObject().Where(o => HttpMethods.Contains(o.Key)))
            {
                var operation = node!.AsObject();
                var name = $"{method.ToUpperInvariant()} {path}";
                if (operation["operationId"] is { } id && !operationIds.Add(id.GetValue<string>()))
                {
                    problems.Add($"{name}: operationId {id} is used twice");
                }

                if (operation["responses"] is not JsonObject { Count: > 0 } responses)
                {
                    problems.Add($"{name}: no responses");
                }
                else
                {
                    problems.AddRange(responses.Where(r => r.Value?["description"] is null).Select(r => $"{name}: response {r.Key} has no description"));
                }

                var declared = (operation["parameters"] as JsonArray ?? []).Where(p => (string?)p?["in"] == "path")
                    .Select(p => ((string?)p!["name"], (bool?)p["required"])).ToList();
                foreach (Match m in RouteParameter().Matches(path))
                {
                    if (!declared.Contains((m.Groups[1].Value, true)))
                    {
                        problems.Add($"{name}: path parameter {m.Groups[1].Value} is not declared as a required path parameter");
                    }
                }
            }
        }

        var references = new List<string>();
        CollectReferences(root, references);
        Assert.NotEmpty(references);
        problems.AddRange(references.Distinct().Where(r => Resolve(root, r) is null).Select(r => $"$ref {r} does not resolve"));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task Document_Schemas_UseTheWireNames()
    {
        var schemas = JsonNode.Parse(await GetDocumentAsync())!["components"]!["schemas"]!;

        // Docker's names exactly as written on the wire (no camelCase policy), from the source-generated context.
        Assert.NotNull(schemas["ErrorBody"]!["properties"]!["message"]);
        Assert.NotNull(schemas["NetworkResource"]!["properties"]!["IPAM"]);
        Assert.NotNull(schemas["NetworkCreateRequest"]!["properties"]!["EnableIPv6"]);
        Assert.NotNull(schemas["VersionResponse"]!["properties"]!["MinAPIVersion"]);
        Assert.Null(schemas["NetworkResource"]!["properties"]!["name"]);
    }

    /// <summary>cnmd logs each mapped route at Debug once it is listening, then a count; the fixture runs it at Debug.</summary>
    private async Task<List<(string Methods, string Pattern, string State)>> MappedRoutesAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var lines = fixture.Daemon.Stderr.Split('\n');
            var total = lines.Select(l => RoutesLine().Match(l)).FirstOrDefault(m => m.Success);
            if (total is not null)
            {
                var routes = lines.Select(l => RouteLine().Match(l)).Where(m => m.Success)
                    .Select(m => (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value)).ToList();
                Assert.Equal(int.Parse(total.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), routes.Count);
                return routes;
            }

            Assert.True(DateTime.UtcNow < deadline, "cnmd did not log its routes within 15 s:\n" + fixture.Daemon.Stderr);
            await Task.Delay(100);
        }
    }

    /// <summary>A route pattern as the document writes it: parameters without constraints, no trailing slash.</summary>
    private static string DocumentPath(string pattern)
    {
        var path = RouteParameter().Replace(pattern, m => "{" + m.Groups[1].Value + "}");
        return path.Length > 1 ? path.TrimEnd('/') : path;
    }

    private static IEnumerable<string> MissingMetadata(JsonObject operation)
    {
        if (operation["operationId"] is null)
        {
            yield return "no operationId (WithName)";
        }

        if (operation["summary"] is null)
        {
            yield return "no summary (WithSummary)";
        }

        if (operation["tags"] is not JsonArray { Count: > 0 } tags || tags.Any(t => (string?)t is not ("docker" or "native")))
        {
            yield return "not tagged docker or native (WithTags)";
        }

        var responses = operation["responses"] as JsonObject ?? [];
        if (!responses.Any(r => r.Key.StartsWith('2')))
        {
            yield return "no success answer (Produces)";
        }

        if (responses["500"]?["content"]?["application/json"]?["schema"]?["$ref"] is null)
        {
            yield return "no {\"message\"} error answer (ProducesErrors)";
        }
    }

    private static void CollectReferences(JsonNode? node, List<string> references)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (key == "$ref")
                    {
                        references.Add(value!.GetValue<string>());
                    }
                    else
                    {
                        CollectReferences(value, references);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    CollectReferences(item, references);
                }

                break;
        }
    }

    private static JsonNode? Resolve(JsonNode root, string reference)
    {
        if (!reference.StartsWith("#/", StringComparison.Ordinal))
        {
            return null; // the document must stand alone: only local references
        }

        JsonNode? node = root;
        foreach (var token in reference[2..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)))
        {
            node = node is JsonObject obj ? obj[token] : null;
        }

        return node;
    }
}
