namespace Cnm.Daemon.DockerApi;

/// <summary>
/// The 404 message for a route cnmd does not serve. Docker engine routes that a docker CLI command sends
/// (<c>docker images</c>, <c>docker volume ls</c>, <c>docker system df</c>, <c>docker run</c>, …) say that cnmd is not a
/// container engine and what it serves; any other path is dockerd's <c>page not found</c> (spec/daemon-api.md,
/// "Conventions").
/// </summary>
internal static class EngineRoutes
{
    /// <summary>What cnmd serves of Docker's API, for the messages that say what it does not.</summary>
    public const string Served = "cnmd serves Docker's network API (docker network …, docker info, docker version, docker events) "
        + "and GET /containers/{id}/json for Cnm sandboxes";

    // First path segments of the engine's routes outside /networks, /containers, /info, /version, /events and /_ping.
    private static readonly HashSet<string> EngineOnly = new(StringComparer.Ordinal)
    {
        "images", "volumes", "plugins", "build", "swarm", "services", "nodes", "tasks", "secrets", "configs", "exec",
        "distribution", "commit", "auth", "session", "grpc",
    };

    /// <summary>The message of the 404 for <paramref name="method"/> <paramref name="path"/> (the version prefix already stripped).</summary>
    public static string NotFoundMessage(string method, string path)
    {
        var trimmed = path.TrimStart('/');
        var slash = trimmed.IndexOf('/', StringComparison.Ordinal);
        var first = slash < 0 ? trimmed : trimmed[..slash];
        return EngineOnly.Contains(first) || trimmed is "system/df" or "system/df/"
            ? $"cnmd is not a container engine: {method} {path} is not served; {Served}"
            : $"page not found: {method} {path}";
    }
}
