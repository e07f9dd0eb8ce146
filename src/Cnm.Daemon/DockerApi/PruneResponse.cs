namespace Cnm.Daemon.DockerApi;

/// <summary>Answer of <c>POST /networks/prune</c>.</summary>
internal sealed record PruneResponse(List<string> NetworksDeleted);
