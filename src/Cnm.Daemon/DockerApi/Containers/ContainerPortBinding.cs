namespace Cnm.Daemon.DockerApi.Containers;

/// <summary>One host binding of a published port in Docker's <c>NetworkSettings.Ports</c>: <c>{"HostIp":"0.0.0.0","HostPort":"8080"}</c>.</summary>
internal sealed record ContainerPortBinding(string HostIp, string HostPort);
