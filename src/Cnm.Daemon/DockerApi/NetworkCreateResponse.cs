namespace Cnm.Daemon.DockerApi;

/// <summary>Answer of <c>POST /networks/create</c>.</summary>
internal sealed record NetworkCreateResponse(string Id, string Warning);
