using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Cnm.Protocol;

namespace Cnm.Plugins.Conformance.Checks;

/// <summary>What the checks share: the raw connection, what Activate said, and the objects to clean up.</summary>
internal sealed class CheckContext(RawPlugin plugin, ConformanceOptions options)
{
    public RawPlugin Plugin { get; } = plugin;

    public ConformanceOptions Options { get; } = options;

    public IReadOnlyList<string> Implements { get; set; } = [];

    public bool IsNetwork => Implements.Contains(PluginInterfaces.NetworkDriver);

    public bool IsIpam => Implements.Contains(PluginInterfaces.IpamDriver);

    public List<(string Method, string Body)> Cleanup { get; } = [];

    /// <summary>A 64-hex ID that starts with the kit's prefix.</summary>
    public string NewId()
    {
        var random = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        return (Options.Prefix.ToLowerInvariant() + random)[..64];
    }

    /// <summary>Calls and requires status 200, a JSON object, and no protocol error; returns the object.</summary>
    public async Task<JsonElement> SucceedAsync(string method, string? json, CancellationToken ct)
    {
        var answer = await Plugin.CallAsync(method, json, ct).ConfigureAwait(false);
        if (!answer.Answered)
        {
            throw new VerdictException(Verdict.Fail($"{method}: {answer.Failure}",
                "answer every call promptly; the host waits without a limit and blocks the user's command"));
        }

        if (answer.Status != 200)
        {
            throw new VerdictException(Verdict.Fail($"{method}: status {answer.Status}: {Excerpt(answer.Body)}",
                "answer a successful call with status 200; the host treats every other status as failure"));
        }

        var body = ParseObject(method, answer);
        if (ErrorText(method, body) is { } error)
        {
            throw new VerdictException(Verdict.Fail($"{method}: the plugin reported an error: {error}",
                "the call is valid; it should succeed"));
        }

        return body;
    }

    public static JsonElement ParseObject(string method, RawAnswer answer)
    {
        try
        {
            using var document = JsonDocument.Parse(answer.Body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document.RootElement.Clone();
            }

            if (document.RootElement.ValueKind == JsonValueKind.Null)
            {
                return JsonDocument.Parse("{}").RootElement.Clone(); // the host accepts null as "all zero"
            }
        }
        catch (JsonException)
        {
        }

        throw new VerdictException(Verdict.Fail($"{method}: the body is not a JSON object: {Excerpt(answer.Body)}",
            "answer with a JSON object, at least {} (an empty body is an error for the host)"));
    }

    /// <summary>The protocol-level error of a 200 answer: <c>Err</c> for network methods, <c>Error</c> for IPAM ones.</summary>
    public static string? ErrorText(string method, JsonElement body)
    {
        var key = method.StartsWith("IpamDriver.", StringComparison.Ordinal) ? "Error" : "Err";
        return Find(body, key) is { ValueKind: JsonValueKind.String } e && e.GetString() is { Length: > 0 } text ? text : null;
    }

    /// <summary>A member found as the host finds it: exact name first, then ignoring case.</summary>
    public static JsonElement? Find(JsonElement body, string name)
    {
        if (body.TryGetProperty(name, out var exact))
        {
            return exact;
        }

        foreach (var property in body.EnumerateObject())
        {
            if (property.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }

    public static string Text(JsonElement body, string name) =>
        Find(body, name) is { ValueKind: JsonValueKind.String } value ? value.GetString()! : "";

    public static string Excerpt(string body)
    {
        var text = body.Trim();
        return text.Length == 0 ? "(empty body)" : text.Length <= 200 ? text : string.Concat(text.AsSpan(0, 200), "…");
    }

    public static string Quote(string value) => "\"" + JsonEncodedText.Encode(value).ToString() + "\"";

    public static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
