namespace Cnm.Daemon.DockerApi;

/// <summary>
/// Answer of <c>POST /networks/prune</c>. <c>Warnings</c> (a Cnm extension, left out when empty) names each network
/// that was not deleted and why.
/// </summary>
internal sealed record PruneResponse(List<string> NetworksDeleted, List<string>? Warnings = null);
