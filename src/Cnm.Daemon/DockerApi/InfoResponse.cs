namespace Cnm.Daemon.DockerApi;

/// <summary>
/// Answer of <c>GET /info</c>: Docker's <c>system.Info</c> in Docker's field order, with what is true of cnmd. cnmd runs
/// no containers and no images, so their counts are 0 and the container-runtime fields are false or empty
/// (spec/daemon-api.md, "GET /info").
/// </summary>
internal sealed record InfoResponse
{
    public required string ID { get; init; }
    public int Containers { get; init; }
    public int ContainersRunning { get; init; }
    public int ContainersPaused { get; init; }
    public int ContainersStopped { get; init; }
    public int Images { get; init; }
    public string Driver { get; init; } = "";
    public List<string[]> DriverStatus { get; init; } = [];

    /// <summary>Key-value lines the docker CLI prints as they are; cnmd says what it is and lists its IPAM drivers here.</summary>
    public required List<string[]> SystemStatus { get; init; }

    public required InfoPlugins Plugins { get; init; }
    public bool MemoryLimit { get; init; }
    public bool SwapLimit { get; init; }
    public bool CpuCfsPeriod { get; init; }
    public bool CpuCfsQuota { get; init; }
    public bool CPUShares { get; init; }
    public bool CPUSet { get; init; }
    public bool PidsLimit { get; init; }
    public bool IPv4Forwarding { get; init; }
    public bool BridgeNfIptables { get; init; }
    public bool BridgeNfIp6tables { get; init; }
    public bool Debug { get; init; }
    public int NFd { get; init; }
    public bool OomKillDisable { get; init; }
    public int NGoroutines { get; init; }
    public required string SystemTime { get; init; }
    public string LoggingDriver { get; init; } = "";
    public string CgroupDriver { get; init; } = "";
    public int NEventsListener { get; init; }
    public required string KernelVersion { get; init; }
    public required string OperatingSystem { get; init; }
    public required string OSVersion { get; init; }
    public string OSType { get; init; } = "linux";
    public required string Architecture { get; init; }
    public string IndexServerAddress { get; init; } = "";
    public int NCPU { get; init; }
    public long MemTotal { get; init; }
    public required string DockerRootDir { get; init; }
    public string HttpProxy { get; init; } = "";
    public string HttpsProxy { get; init; } = "";
    public string NoProxy { get; init; } = "";
    public required string Name { get; init; }
    public List<string> Labels { get; init; } = [];
    public bool ExperimentalBuild { get; init; }
    public required string ServerVersion { get; init; }
    public Dictionary<string, InfoRuntime> Runtimes { get; init; } = [];
    public string DefaultRuntime { get; init; } = "";
    public InfoSwarm Swarm { get; init; } = new();
    public bool LiveRestoreEnabled { get; init; }
    public string Isolation { get; init; } = "";
    public string InitBinary { get; init; } = "";
    public InfoCommit ContainerdCommit { get; init; } = new();
    public InfoCommit RuncCommit { get; init; } = new();
    public InfoCommit InitCommit { get; init; } = new();
    public List<string> SecurityOptions { get; init; } = [];
    public List<string> Warnings { get; init; } = [];
}
