namespace Cnm.Plugins.Testing;

/// <summary>What a <see cref="MockPlugin"/> does with one call.</summary>
internal sealed record MockReply(int Status, string? Body, string ContentType = MockReply.PluginContentType)
{
    public const string PluginContentType = "application/vnd.docker.plugins.v1.1+json";

    public TimeSpan Delay { get; init; }

    /// <summary>Never answer; the call ends when the caller gives up.</summary>
    public bool Hang { get; init; }

    /// <summary>Close the connection without an answer.</summary>
    public bool Drop { get; init; }

    public static MockReply Json(string body, int status = 200) => new(status, body.EndsWith('\n') ? body : body + "\n");

    public static MockReply Text(string body, int status) => new(status, body, "text/plain; charset=utf-8");
}
