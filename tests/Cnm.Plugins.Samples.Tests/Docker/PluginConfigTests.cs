using System.Text.Json;
using Cnm.Plugins.Client;
using Cnm.Protocol;
using Cnm.Testing;

namespace Cnm.Plugins.Samples.Tests.Docker;

/// <summary>
/// Each sample's v2 managed-plugin <c>config.json</c> parses, names the sample's interface type, a socket, host
/// networking and the capabilities it needs; started with that entrypoint, the sample really listens on that socket
/// and implements that type; and its Dockerfile is multi-stage from the .NET SDK and installs that entrypoint.
/// </summary>
public sealed class PluginConfigTests
{
    public static TheoryData<string> Samples => DockerFolder.Samples;

    [Theory]
    [MemberData(nameof(Samples))]
    public void ConfigJson_Sample_NamesTypeSocketHostNetworkAndCapabilities(string folder)
    {
        var sample = DockerFolder.Get(folder);
        using var config = DockerFolder.Config(folder);
        var root = config.RootElement;

        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("description").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("documentation").GetString()));
        var entrypoint = Entrypoint(root);
        Assert.StartsWith("/", entrypoint[0], StringComparison.Ordinal);
        var iface = root.GetProperty("interface");
        Assert.Equal([sample.InterfaceType], iface.GetProperty("types").EnumerateArray().Select(t => t.GetString()));
        // The plugin makes DIR/NAME.sock; inside a managed plugin DIR is /run/docker/plugins, where the engine looks.
        Assert.Equal(DockerFolder.Flag(entrypoint, "--name") + ".sock", iface.GetProperty("socket").GetString());
        Assert.Null(DockerFolder.Flag(entrypoint, "--socket-dir"));
        Assert.Equal("host", root.GetProperty("network").GetProperty("type").GetString());
        var capabilities = root.GetProperty("linux").GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()).ToList();
        Assert.Equal(sample.NeedsNetAdmin ? ["CAP_NET_ADMIN"] : [], capabilities);
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task ConfigJson_EntrypointStarted_ListensOnTheNamedSocketAndImplementsTheType(string folder)
    {
        var sample = DockerFolder.Get(folder);
        using var config = DockerFolder.Config(folder);
        var entrypoint = Entrypoint(config.RootElement);
        var socketName = config.RootElement.GetProperty("interface").GetProperty("socket").GetString()!;
        using var temp = new TempDirectory("cnm-docker-config");
        var sockets = temp.File("plugins");
        // The entrypoint's own arguments, with the socket directory (and any state file) moved into the test's
        // directory: later flags win. Activate makes no link, so the bridge sample needs no namespace here.
        List<string> arguments = [.. entrypoint.Skip(1), "--socket-dir", sockets];
        if (DockerFolder.Flag(entrypoint, "--state") is not null)
        {
            arguments.AddRange(["--state", temp.File("state.json")]);
        }

        using var plugin = SampleProcess.Start(sample.Project, arguments);
        await SampleProcess.WaitForFileAsync(Path.Combine(sockets, socketName), plugin);
        using var client = new PluginClient(new PluginSpec("docker-config", new Uri("unix://" + Path.Combine(sockets, socketName))),
            new PluginClientOptions { ConnectRetryBudget = TimeSpan.FromSeconds(30) });

        var activate = await client.CallAsync(PluginMethods.Activate, PluginJsonContext.Default.ActivateResponse, CancellationToken.None);

        Assert.Equal([sample.Implements], activate.Implements);
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Dockerfile_Sample_IsMultiStageFromTheSdkAndInstallsTheEntrypoint(string folder)
    {
        var sample = DockerFolder.Get(folder);
        using var config = DockerFolder.Config(folder);
        var entrypoint = Entrypoint(config.RootElement);
        var lines = Instructions(DockerFolder.Path(folder, "Dockerfile"));

        var froms = lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, froms.Count);
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build", froms[0], StringComparison.Ordinal);
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/runtime-deps:10.0", froms[1], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("RUN dotnet publish plugins/samples/" + sample.Project + " ", StringComparison.Ordinal));
        Assert.Contains($"COPY --from=build /out/{sample.Project} {entrypoint[0]}", lines);
        var dockerEntrypoint = lines.Single(l => l.StartsWith("ENTRYPOINT ", StringComparison.Ordinal))["ENTRYPOINT ".Length..];
        using var parsed = JsonDocument.Parse(dockerEntrypoint);
        Assert.Equal(entrypoint, parsed.RootElement.EnumerateArray().Select(e => e.GetString()!));
    }

    [Fact]
    public void Dockerfile_Cnmd_IsMultiStageFromTheSdkAndInstallsTheNativeDaemon()
    {
        var lines = Instructions(DockerFolder.Path("cnmd", "Dockerfile"));

        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build", lines.First(l => l.StartsWith("FROM ", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("RUN dotnet publish src/Cnm.Daemon -c Release --nologo -o /out", lines);
        Assert.Contains("COPY --from=build /out/cnmd /usr/local/bin/cnmd", lines);
        Assert.Contains("""ENTRYPOINT ["/usr/local/bin/cnmd"]""", lines);
    }

    internal static string[] Entrypoint(JsonElement root)
    {
        var entrypoint = root.GetProperty("entrypoint").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.NotEmpty(entrypoint);
        return entrypoint;
    }

    /// <summary>The Dockerfile's instructions, continuation lines joined, comments dropped.</summary>
    private static List<string> Instructions(string path)
    {
        var text = File.ReadAllText(path).Replace("\\\n", " ", StringComparison.Ordinal);
        return [.. text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))];
    }
}
