namespace Cnm.Daemon.DockerApi;

/// <summary>One entry of <c>GET /version</c>'s <c>Components</c>; <c>Details</c> is sorted, as Go writes a map.</summary>
internal sealed record ComponentVersion(string Name, string Version, SortedDictionary<string, string> Details);
