using System.Text;
using System.Text.Json;

namespace Cnm.Testing;

/// <summary>
/// Byte-exact assertions on what a plugin received, for golden sequence tests against a <see cref="RecordingPlugin"/>.
/// </summary>
/// <remarks>
/// <para>
/// Write the expected body as JSON in <b>wire order</b>: records in their Go field order, map keys (options,
/// <c>Data</c>, <c>AuxAddresses</c>, IPAMData entries) sorted by bytes, escapes as Go writes them
/// (spec/plugin-protocol.md, section 2). Whitespace between tokens is only for reading: <see cref="Body"/> drops
/// it and adds the newline Go's encoder ends a body with; nothing else is changed, so a wrong key order, a
/// missing or extra member, or a different escape fails.
/// </para>
/// <para>
/// Typical use:
/// <code>
/// WireAssert.Call(PluginMethods.Network.Leave, $$$"""{"NetworkID":"{{{net.Id}}}","EndpointID":"{{{ep.Id}}}"}""", calls[3]);
/// WireAssert.Calls(h.Plugin.Calls,
///     (PluginMethods.Network.RevokeExternalConnectivity, ids),
///     (PluginMethods.Network.Leave, ids),
///     (PluginMethods.Activate, null));           // null: an empty body
/// </code>
/// A failure throws <see cref="WireAssertException"/> naming the call, both bodies, the first differing byte
/// and, when the two hold the same JSON values, that only order or escaping differs.
/// </para>
/// </remarks>
public static class WireAssert
{
    /// <summary>
    /// The wire form of an expected body written in a test: <paramref name="json"/> with the whitespace between
    /// tokens removed, then <c>\n</c>. Throws when <paramref name="json"/> is not valid JSON.
    /// </summary>
    public static string Body(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument.Parse(json).Dispose(); // the expectation itself must be JSON

        var compact = new StringBuilder(json.Length + 1);
        var inString = false;
        for (var i = 0; i < json.Length; i++)
        {
            var c = json[i];
            if (inString)
            {
                compact.Append(c);
                if (c == '\\')
                {
                    compact.Append(json[++i]);
                }
                else if (c == '"')
                {
                    inString = false;
                }
            }
            else if (c == '"')
            {
                inString = true;
                compact.Append(c);
            }
            else if (c is not (' ' or '\t' or '\r' or '\n'))
            {
                compact.Append(c);
            }
        }

        return compact.Append('\n').ToString();
    }

    /// <summary>
    /// <paramref name="call"/> is a call of <paramref name="method"/> whose body is byte for byte
    /// <see cref="Body"/>(<paramref name="expectedJson"/>).
    /// </summary>
    public static void Call(string method, string expectedJson, PluginCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        CheckMethod(method, call);
        var expected = Body(expectedJson);
        var actual = call.Bytes;
        if (actual.AsSpan().SequenceEqual(Encoding.UTF8.GetBytes(expected)))
        {
            return;
        }

        throw new WireAssertException(Describe(call, expected, actual));
    }

    /// <summary><paramref name="call"/> is a call of <paramref name="method"/> with an empty body, as calls without arguments are sent.</summary>
    public static void EmptyCall(string method, PluginCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        CheckMethod(method, call);
        if (call.Bytes.Length != 0)
        {
            throw new WireAssertException($"call #{call.Sequence} {method}: expected an empty body, got {call.Body}");
        }
    }

    /// <summary>
    /// <paramref name="calls"/> are exactly the <paramref name="expected"/> calls, in order: each method with its
    /// exact body (<see cref="Call"/>), or an empty body where the expected JSON is null.
    /// </summary>
    public static void Calls(IReadOnlyList<PluginCall> calls, params (string Method, string? Json)[] expected)
    {
        ArgumentNullException.ThrowIfNull(calls);
        ArgumentNullException.ThrowIfNull(expected);
        if (!calls.Select(c => c.Method).SequenceEqual(expected.Select(e => e.Method), StringComparer.Ordinal))
        {
            throw new WireAssertException(
                $"expected the calls [{string.Join(", ", expected.Select(e => e.Method))}], got [{string.Join(", ", calls.Select(c => c.Method))}]");
        }

        for (var i = 0; i < expected.Length; i++)
        {
            if (expected[i].Json is { } json)
            {
                Call(expected[i].Method, json, calls[i]);
            }
            else
            {
                EmptyCall(expected[i].Method, calls[i]);
            }
        }
    }

    private static void CheckMethod(string method, PluginCall call)
    {
        if (!string.Equals(method, call.Method, StringComparison.Ordinal))
        {
            throw new WireAssertException($"call #{call.Sequence}: expected {method}, got {call.Method} {call.Body}");
        }
    }

    private static string Describe(PluginCall call, string expected, byte[] actual)
    {
        var expectedBytes = Encoding.UTF8.GetBytes(expected);
        var at = expectedBytes.AsSpan().CommonPrefixLength(actual);
        var actualText = Encoding.UTF8.GetString(actual);
        var hint = "";
        try
        {
            if (actual.Length > 0 && JsonStructure.FindDifference(expected, actualText) is null)
            {
                hint = "\n(the same JSON values: only the member order, the escaping or the trailing newline differs)";
            }
        }
        catch (JsonException)
        {
            hint = "\n(the body is not JSON)";
        }

        return $"call #{call.Sequence} {call.Method}: the body differs from byte {at} on" +
            $"\nexpected: {Show(expected)}\nactual:   {Show(actualText)}" +
            $"\nfrom {at}:\nexpected: {Show(Encoding.UTF8.GetString(expectedBytes.AsSpan(at)))}\nactual:   {Show(Encoding.UTF8.GetString(actual.AsSpan(Math.Min(at, actual.Length))))}" +
            hint;
    }

    private static string Show(string body) => body.Replace("\n", "\\n", StringComparison.Ordinal);
}
