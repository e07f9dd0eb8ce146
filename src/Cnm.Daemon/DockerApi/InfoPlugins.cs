namespace Cnm.Daemon.DockerApi;

/// <summary><c>/info</c>'s <c>Plugins</c>: Docker's four lists, plus Cnm's <c>IPAM</c> (sorted names each).</summary>
internal sealed record InfoPlugins(List<string> Volume, List<string> Network, List<string>? Authorization, List<string> Log, List<string> IPAM);
