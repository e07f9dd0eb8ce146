using System.Text;

namespace Cnm.Plugins.Testing;

/// <summary>One request a <see cref="MockPlugin"/> read, as it came over the wire.</summary>
/// <param name="Sequence">1 for the first call the plugin got, then 2, 3 …</param>
/// <param name="Method">The service method, such as <c>NetworkDriver.Join</c> (the path without its slash).</param>
/// <param name="HttpMethod">The HTTP method (the host always sends <c>POST</c>).</param>
/// <param name="Headers">The request headers; names are case-insensitive.</param>
/// <param name="Body">The body bytes, exactly as received.</param>
/// <param name="ConnectionId">The connection the request came on.</param>
public sealed record MockCall(
    long Sequence,
    string Method,
    string HttpMethod,
    IReadOnlyDictionary<string, string> Headers,
    ReadOnlyMemory<byte> Body,
    string ConnectionId)
{
    /// <summary>The body as UTF-8 text.</summary>
    public string BodyText => Encoding.UTF8.GetString(Body.Span);

    /// <summary>The value of a header, or null when it was not sent.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
