namespace Cnm.Protocol;

/// <summary>Media types and fixed header values of the Docker plugin protocol.</summary>
public static class PluginMediaTypes
{
    /// <summary>The <c>Accept</c> value the reference host sends on every plugin request.</summary>
    public const string Accept = "application/vnd.docker.plugins.v1.2+json";

    /// <summary>The <c>Content-Type</c> go-plugins-helpers answers with; plugins may use it too.</summary>
    public const string PluginResponse = "application/vnd.docker.plugins.v1.1+json";

    /// <summary>
    /// The <c>Host</c> header sent to plugins, as Docker 20.10.26 and newer send it (docs/decisions.md, "request shape").
    /// </summary>
    public const string Host = "plugin.moby.localhost";
}
