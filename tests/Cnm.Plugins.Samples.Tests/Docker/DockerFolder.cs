using System.Text.Json;

namespace Cnm.Plugins.Samples.Tests.Docker;

/// <summary>The repository's <c>docker/</c> folder and what each sample's files there must agree on.</summary>
internal static class DockerFolder
{
    /// <summary>The samples packaged under docker/: folder, project, v2 interface type, Plugin.Activate name, needs CAP_NET_ADMIN, systemd unit.</summary>
    public static readonly TheoryData<string> Samples = ["file-ipam", "sample-bridge"];

    public static string Root { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, "docker", .. parts]);

    public static Sample Get(string folder) => folder switch
    {
        "file-ipam" => new(folder, "Cnm.Samples.FileIpam", "docker.ipamdriver/1.0", "IpamDriver", NeedsNetAdmin: false, "cnm-file-ipam"),
        "sample-bridge" => new(folder, "Cnm.Samples.BridgeNetwork", "docker.networkdriver/1.0", "NetworkDriver", NeedsNetAdmin: true, "cnm-sample-bridge"),
        _ => throw new ArgumentOutOfRangeException(nameof(folder), folder, "not a sample under docker/"),
    };

    public static JsonDocument Config(string folder) => JsonDocument.Parse(File.ReadAllText(Path(folder, "config.json")));

    /// <summary>The value after <paramref name="flag"/> in an argument list, or null.</summary>
    public static string? Flag(IReadOnlyList<string> arguments, string flag)
    {
        for (var i = 0; i < arguments.Count - 1; i++)
        {
            if (arguments[i] == flag)
            {
                return arguments[i + 1];
            }
        }

        return null;
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Plugins.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new DirectoryNotFoundException("no Plugins.sln above " + AppContext.BaseDirectory);
    }

    internal sealed record Sample(string Folder, string Project, string InterfaceType, string Implements, bool NeedsNetAdmin, string Unit);
}
