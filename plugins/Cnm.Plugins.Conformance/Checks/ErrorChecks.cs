using Cnm.Protocol;
using static Cnm.Plugins.Conformance.Checks.CheckContext;

namespace Cnm.Plugins.Conformance.Checks;

/// <summary>Malformed bodies and unknown IDs.</summary>
internal static class ErrorChecks
{
    public static async Task<Verdict> MalformedBodyAsync(CheckContext context, CancellationToken ct)
    {
        var method = context.IsNetwork ? PluginMethods.Network.CreateNetwork : PluginMethods.Ipam.RequestPool;
        var answer = await context.Plugin.CallAsync(method, "{\"NetworkID\": \"unterminated", ct, raw: true).ConfigureAwait(false);
        var after = await context.Plugin.CallAsync(PluginMethods.Activate, null, ct).ConfigureAwait(false);
        if (!after.Answered || after.Status != 200)
        {
            return Verdict.Fail($"after a malformed {method} body the plugin no longer answers Plugin.Activate ({after.Failure ?? "status " + Number(after.Status)})",
                "a malformed request must not crash the plugin; answer 400 and keep serving");
        }

        if (!answer.Answered)
        {
            return Verdict.Fail($"a malformed {method} body got no answer: {answer.Failure}", "answer 400 with a message");
        }

        return answer.Status is >= 400 and < 500
            ? Verdict.Pass
            : Verdict.Fail($"a malformed {method} body got status {answer.Status}: {Excerpt(answer.Body)}",
                "answer a request the plugin cannot decode with 400 and a text message, as go-plugins-helpers does");
    }

    public static async Task<Verdict> UnknownIdsAsync(CheckContext context, CancellationToken ct)
    {
        string method, body;
        if (context.IsNetwork)
        {
            method = PluginMethods.Network.CreateEndpoint;
            body = $$$"""{"NetworkID":{{{Quote(context.NewId())}}},"EndpointID":{{{Quote(context.NewId())}}},"Interface":null,"Options":{}}""";
        }
        else
        {
            method = PluginMethods.Ipam.RequestAddress;
            body = $$$"""{"PoolID":{{{Quote(context.Options.Prefix + "-no-such-pool")}}},"Address":"","Options":{}}""";
        }

        var answer = await context.Plugin.CallAsync(method, body, ct).ConfigureAwait(false);
        if (!answer.Answered)
        {
            return Verdict.Fail($"{method} for an unknown ID: {answer.Failure}", "answer with an error");
        }

        if (answer.Status == 200)
        {
            var parsed = ParseObject(method, answer);
            return ErrorText(method, parsed) is not null
                ? Verdict.Pass
                : Verdict.Warn($"{method} for an ID the plugin never saw succeeded", "refuse unknown IDs with an error naming the ID");
        }

        var message = ErrTextOfFailure(answer.Body);
        return message is not null
            ? Verdict.Pass
            : Verdict.Fail($"{method} for an unknown ID answered status {answer.Status} with {Excerpt(answer.Body)}",
                "a failing call should carry {\"Err\":\"<what went wrong>\"}: the host shows the user only that message (or the raw body)");
    }

    private static string? ErrTextOfFailure(string body)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(body);
            return document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                ? ErrorText("NetworkDriver.x", document.RootElement)
                : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return body.Trim().Length > 0 ? body.Trim() : null; // a text message still reaches the user
        }
    }
}
