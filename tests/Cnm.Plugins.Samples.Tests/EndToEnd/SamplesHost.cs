using System.Diagnostics;
using System.Text.Json;
using Cnm.Linux.Namespaces;
using Cnm.Linux.Netlink;
using Cnm.Testing;

namespace Cnm.Plugins.Samples.Tests.EndToEnd;

/// <summary>
/// A cnmd with Linux sandboxes confined to a "host" network namespace this test makes (<c>--host-netns</c>), and the
/// two samples as processes beside it: the bridge network plugin making its bridges and veths in that namespace
/// (<c>--netns</c>), and the file IPAM keeping its state in the test's directory. Every name lives in the test's own
/// temp directory and namespace, so runs in parallel do not meet. Dispose stops everything and removes the namespace.
/// </summary>
internal sealed class SamplesHost : IAsyncDisposable
{
    public const string Network = "e2ebr";
    public const string Ipam = "e2eipam";

    private SamplesHost(TempDirectory temp, string hostNs, NetlinkClient host)
    {
        Temp = temp;
        HostNs = hostNs;
        Host = host;
    }

    public TempDirectory Temp { get; }

    public string HostNs { get; }

    public NetlinkClient Host { get; }

    public string PluginDir => Temp.File("plugins");

    public string ExecRoot => Temp.File("exec");

    public string IpamState => Temp.File("ipam", "state.json");

    public SampleProcess BridgePlugin { get; private set; } = null!;

    public SampleProcess IpamPlugin { get; private set; } = null!;

    public DaemonProcess Daemon { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public DockerCli Docker { get; private set; } = null!;

    public static async Task<SamplesHost> StartAsync()
    {
        Assert.True(Capabilities.MissingForSandboxes().Count == 0, "this test needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN)");
        var temp = new TempDirectory("cnm-samples-e2e");
        var hostNs = temp.File("ns", "host");
        await NetworkNamespace.CreateAsync(hostNs, CancellationToken.None);
        var host = new SamplesHost(temp, hostNs, await NetlinkClient.OpenAsync(hostNs, CancellationToken.None));
        Directory.CreateDirectory(host.PluginDir);
        host.BridgePlugin = SampleProcess.Start("Cnm.Samples.BridgeNetwork", ["--name", Network, "--socket-dir", host.PluginDir, "--netns", hostNs]);
        await host.StartIpamAsync();
        await SampleProcess.WaitForFileAsync(Path.Combine(host.PluginDir, Network + ".sock"), host.BridgePlugin);
        host.Daemon = DaemonProcess.Start(
        [
            "--host", "unix://" + temp.File("run", "cnmd.sock"),
            "--plugin-dir", host.PluginDir,
            "--spec-dir", temp.CreateDirectory("specs"),
            "--data-root", temp.File("data"),
            "--exec-root", host.ExecRoot,
            "--host-netns", hostNs,
            "--log-level", "debug",
        ], new Dictionary<string, string> { ["CNMD_SANDBOX"] = "linux" });
        await host.Daemon.WaitReadyAsync(TimeSpan.FromSeconds(60));
        host.Http = Client(temp.File("run", "cnmd.sock"));
        host.Docker = new DockerCli(temp.File("run", "cnmd.sock"), temp.CreateDirectory("docker-config"));
        return host;
    }

    /// <summary>Starts the file IPAM (again), on the same state file, and waits until it serves its socket.</summary>
    public async Task StartIpamAsync()
    {
        IpamPlugin = SampleProcess.Start("Cnm.Samples.FileIpam", ["--name", Ipam, "--socket-dir", PluginDir, "--state", IpamState]);
        await SampleProcess.WaitForFileAsync(Path.Combine(PluginDir, Ipam + ".sock"), IpamPlugin);
    }

    public async Task<string> DockerAsync(params string[] args)
    {
        var result = await Docker.RunAsync(args);
        Assert.True(result.ExitCode == 0, $"docker {string.Join(' ', args)}: {result}\ncnmd:\n{Daemon.Stderr}\nbridge plugin:\n{BridgePlugin.Output}\nipam plugin:\n{IpamPlugin.Output}");
        return result.Stdout.Trim();
    }

    /// <summary>Creates a sandbox with cnmd's native API; returns (id, key = its namespace file).</summary>
    public async Task<(string Id, string Key)> SandboxAsync(string containerId)
    {
        using var response = await Http.PostAsync("/cnm/v1/sandboxes",
            new StringContent($$"""{"ContainerId":"{{containerId}}","Name":"{{containerId}}"}""", System.Text.Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"create sandbox {containerId}: {(int)response.StatusCode} {body}");
        using var sandbox = JsonDocument.Parse(body);
        return (sandbox.RootElement.GetProperty("Id").GetString()!, sandbox.RootElement.GetProperty("Key").GetString()!);
    }

    public async Task DeleteSandboxAsync(string id)
    {
        using var response = await Http.DeleteAsync($"/cnm/v1/sandboxes/{id}");
        Assert.True(response.IsSuccessStatusCode, $"delete sandbox {id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>The address (CIDR) of the endpoint joining <paramref name="sandbox"/> to <paramref name="network"/>.</summary>
    public async Task<string> AddressAsync(string sandbox, string network)
    {
        var body = await Http.GetStringAsync($"/cnm/v1/endpoints?sandbox={sandbox}&network={network}");
        using var list = JsonDocument.Parse(body);
        return Assert.Single(list.RootElement.EnumerateArray()).GetProperty("Interface").GetProperty("Address").GetString()!;
    }

    /// <summary>Runs ping(8) inside <paramref name="namespacePath"/>; true once one echo is answered (ARP may take a moment).</summary>
    public static async Task<(bool Ok, string Output)> PingAsync(string namespacePath, string address)
    {
        var output = "";
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var info = new ProcessStartInfo("nsenter") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { "--net=" + namespacePath, "ping", "-c", "1", "-W", "2", address })
            {
                info.ArgumentList.Add(argument);
            }

            using var ping = Process.Start(info)!;
            var stdout = ping.StandardOutput.ReadToEndAsync();
            var stderr = ping.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await ping.WaitForExitAsync(timeout.Token);
            output = await stdout + await stderr;
            if (ping.ExitCode == 0)
            {
                return (true, output);
            }
        }

        return (false, output);
    }

    /// <summary>Links of the host namespace other than loopback.</summary>
    public IReadOnlyList<string> HostLinks() => [.. Host.GetLinks().Select(l => l.Name).Where(n => n != "lo").Order(StringComparer.Ordinal)];

    /// <summary>Mount points under the test's directory other than the host namespace.</summary>
    public IReadOnlyList<string> Mounts() =>
        [.. File.ReadLines("/proc/self/mountinfo").Select(l => l.Split(' ')[4]).Where(p => p.StartsWith(Temp.Path + "/", StringComparison.Ordinal) && p != HostNs)];

    /// <summary>Files under cnmd's exec root (namespace files, sandbox state) and sockets left in the plugin directory.</summary>
    public IReadOnlyList<string> LeftFiles() =>
        [.. new[] { Path.Combine(ExecRoot, "netns"), Path.Combine(ExecRoot, "sandboxes") }.Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFileSystemEntries(d, "*", SearchOption.AllDirectories))];

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        Daemon?.Dispose();
        BridgePlugin?.Dispose();
        IpamPlugin?.Dispose();
        foreach (var mount in Mounts())
        {
            NetworkNamespace.Delete(mount); // what a failed test left
        }

        Host.Dispose();
        NetworkNamespace.Delete(HostNs); // its links go with it
        Temp.Dispose();
        await Task.CompletedTask;
    }

    private static HttpClient Client(string socketPath) => UnixHttp.CreateClient(socketPath, "http://cnmd/");
}
