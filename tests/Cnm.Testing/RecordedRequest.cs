using System.Text;

namespace Cnm.Testing;

/// <summary>One request as the plugin server saw it on the wire.</summary>
public sealed record RecordedRequest(
    string HttpMethod,
    string Path,
    IReadOnlyDictionary<string, string> Headers,
    byte[] Body,
    string ConnectionId)
{
    /// <summary>The service method, e.g. <c>NetworkDriver.Join</c> (the path without its slash).</summary>
    public string ServiceMethod => Path.TrimStart('/');

    public string BodyText => Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
