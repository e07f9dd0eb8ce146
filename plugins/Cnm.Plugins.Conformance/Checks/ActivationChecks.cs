using System.Text.Json;
using Cnm.Protocol;

namespace Cnm.Plugins.Conformance.Checks;

/// <summary>Plugin.Activate and NetworkDriver.GetCapabilities.</summary>
internal static class ActivationChecks
{
    public static async Task<Verdict> ActivateAsync(CheckContext context, CancellationToken ct)
    {
        var answer = await context.Plugin.CallAsync("Plugin.Activate", null, ct).ConfigureAwait(false);
        if (!answer.Answered || answer.Status != 200)
        {
            return Verdict.Fail(answer.Failure ?? $"status {answer.Status}: {CheckContext.Excerpt(answer.Body)}",
                "answer POST /Plugin.Activate with 200 and {\"Implements\":[\"NetworkDriver\"]} (or IpamDriver)");
        }

        var body = CheckContext.ParseObject(PluginMethods.Activate, answer);
        if (!body.TryGetProperty("Implements", out var implements))
        {
            return CheckContext.Find(body, "Implements") is { } loose && loose.ValueKind == JsonValueKind.Array
                ? Warn(context, loose, "the key is not spelled \"Implements\"; the host matches it ignoring case")
                : Verdict.Fail($"no \"Implements\" key in {CheckContext.Excerpt(answer.Body)}",
                    "the field name is Implements, a list of interface names");
        }

        if (implements.ValueKind != JsonValueKind.Array)
        {
            return Verdict.Fail($"\"Implements\" is {implements.ValueKind}, not a list", "write a JSON array of strings");
        }

        context.Implements = [.. implements.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)];
        return context.IsNetwork || context.IsIpam
            ? Verdict.Pass
            : Verdict.Fail($"Implements lists neither NetworkDriver nor IpamDriver: {implements.GetRawText()}",
                "list \"NetworkDriver\" and/or \"IpamDriver\" (case matters)");
    }

    public static async Task<Verdict> CapabilitiesAsync(CheckContext context, CancellationToken ct)
    {
        if (!context.IsNetwork)
        {
            return Verdict.Skip("not a network driver");
        }

        var body = await context.SucceedAsync(PluginMethods.Network.GetCapabilities, null, ct).ConfigureAwait(false);
        var scope = CheckContext.Text(body, "Scope");
        if (scope is not ("local" or "global"))
        {
            return Verdict.Fail($"Scope is \"{scope}\"",
                "Scope must be exactly \"local\" or \"global\" (lower case); anything else makes registration fail");
        }

        var connectivity = CheckContext.Text(body, "ConnectivityScope");
        return connectivity is "" or "local" or "global"
            ? Verdict.Pass
            : Verdict.Fail($"ConnectivityScope is \"{connectivity}\"", "ConnectivityScope must be \"local\", \"global\" or empty");
    }

    private static Verdict Warn(CheckContext context, JsonElement implements, string reason)
    {
        context.Implements = [.. implements.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)];
        return Verdict.Warn(reason, "spell it Implements, as Docker's own plugins do");
    }
}
