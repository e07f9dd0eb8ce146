namespace Cnm.Daemon.DockerApi.Containers;

/// <summary>The part of Docker's container <c>Config</c> a sandbox has: its host name and labels.</summary>
internal sealed record ContainerConfig(string Hostname, Dictionary<string, string> Labels);
