namespace Cnm.Testing;

/// <summary>What the plugin server answers to one request.</summary>
public sealed record PluginReply
{
    public int Status { get; init; } = 200;

    /// <summary>The body bytes as text; null sends no body.</summary>
    public string? Body { get; init; }

    public string ContentType { get; init; } = "application/vnd.docker.plugins.v1.1+json";

    /// <summary>Wait this long before answering.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>Close the connection without answering (after reading the whole request).</summary>
    public bool Abort { get; init; }

    public static PluginReply Json(string body, int status = 200) => new() { Status = status, Body = body };

    public static PluginReply Text(string body, int status) =>
        new() { Status = status, Body = body, ContentType = "text/plain; charset=utf-8" };

    public static PluginReply Empty(int status = 200) => new() { Status = status };

    public static PluginReply Closed() => new() { Abort = true };
}
