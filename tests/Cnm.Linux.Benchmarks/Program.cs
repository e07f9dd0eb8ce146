using System.Diagnostics;
using System.Globalization;
using System.Net;
using Cnm.Core.Model;
using Cnm.Core.Net;
using Cnm.Linux.Namespaces;
using Cnm.Linux.Netlink;
using Cnm.Linux.Sandboxes;

// The sandbox cycle in two halves (issue 11): setup = sandbox create + join of a veth the benchmark made;
// teardown = leave + sandbox delete. Baseline: the same steps by spawning ip(8), in the same run.
// Usage: Cnm.Linux.Benchmarks [iterations=200]. Root; everything lives in namespaces made here.
// `firewall [iterations]`: rule application per change, libnftables against an nft process (issue 12).
if (args.Length > 0 && args[0] == "firewall")
{
    await Cnm.Linux.Benchmarks.FirewallBenchmark.RunAsync(args[1..]);
    return;
}

// Cnm.Linux.Benchmarks bridge [iterations=200]: the bridge driver's cycles instead (BridgeBench).
var bridge = args.Length > 0 && args[0] == "bridge";
args = bridge ? args[1..] : args;
var n = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
const string HostName = "cnmbench-host";
var hostPath = $"/run/netns/{HostName}";
var execRoot = Path.Combine("/run/cnm-linux-bench", Guid.NewGuid().ToString("N")[..8]);
Ip($"netns add {HostName}"); // made by ip(8), so that its /run/netns mount exists before anything is mounted in it
Ip($"-n {HostName} link set lo up");
try
{
    using var host = await NetlinkClient.OpenAsync(hostPath, CancellationToken.None);
    if (bridge)
    {
        await Cnm.Linux.Benchmarks.BridgeBench.RunAsync(hostPath, execRoot, n, Report);
        return;
    }

    var profile = new StepProfile();
    using var provider = new LinuxSandboxProvider(new LinuxSandboxOptions { ExecRoot = execRoot, HostNetnsPath = hostPath, AfterStep = profile.Step });
    var ours = await OursAsync(provider, host, n, profile);
    var ip = Baseline(host, n);
    Report("netlink setup (create + join)", ours.Setup);
    Report("netlink teardown (leave + delete)", ours.Teardown);
    Report("ip(8) setup (7 processes)", ip.Setup);
    Report("ip(8) teardown (4 processes)", ip.Teardown);
    Console.WriteLine($"setup speed-up (median): {Median(ip.Setup) / Median(ours.Setup):F1}x");
}
finally
{
    Ip($"netns del {HostName}");
    if (Directory.Exists(execRoot))
    {
        Directory.Delete(execRoot, recursive: true);
    }
}

static async Task<(List<double> Setup, List<double> Teardown)> OursAsync(LinuxSandboxProvider provider, NetlinkClient host, int n, StepProfile profile)
{
    var setup = new List<double>();
    var teardown = new List<double>();
    var createOnly = new List<double>();
    var leaveOnly = new List<double>();
    for (var i = -10; i < n; i++)
    {
        var id = $"{i + 10:x12}".PadRight(64, 'a');
        host.CreateVeth("hb" + (i + 10), "cb" + (i + 10));
        var join = new JoinResult { SrcName = "cb" + (i + 10), DstPrefix = "eth", Gateway = IPAddress.Parse("172.30.0.1") };
        var endpoint = new Endpoint
        {
            Id = id, Name = "e", NetworkId = id, Address = IpPrefix.Parse("172.30.0.2/24"),
            Options = new EndpointCreateOptions { Name = "e" }, Join = join,
        };
        profile.Start(record: i >= 0);
        var sw = Stopwatch.StartNew();
        var key = await provider.CreateAsync(id, new SandboxCreateOptions { ContainerId = id }, CancellationToken.None);
        var c = sw.Elapsed.TotalMilliseconds;
        await provider.AddInterfaceAsync(key, endpoint, join, gateway: true, CancellationToken.None);
        var s = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        await provider.RemoveInterfaceAsync(key, endpoint, nextGateway: null, CancellationToken.None);
        var l = sw.Elapsed.TotalMilliseconds;
        await provider.DeleteAsync(key, CancellationToken.None);
        var t = sw.Elapsed.TotalMilliseconds;
        host.DeleteLink("hb" + (i + 10));
        if (i >= 0)
        {
            setup.Add(s);
            teardown.Add(t);
            createOnly.Add(c);
            leaveOnly.Add(l);
        }
    }

    Report("  of which sandbox create", createOnly);
    Report("  of which leave", leaveOnly);
    profile.Report();
    return (setup, teardown);
}

static (List<double> Setup, List<double> Teardown) Baseline(NetlinkClient host, int n)
{
    var setup = new List<double>();
    var teardown = new List<double>();
    for (var i = -10; i < n; i++)
    {
        var sb = $"cnmbench-sb{i + 10}";
        var c = "cb" + (i + 10);
        host.CreateVeth("hb" + (i + 10), c);
        var sw = Stopwatch.StartNew();
        Ip($"netns add {sb}");
        Ip($"-n {sb} link set lo up");
        Ip($"-n cnmbench-host link set {c} netns {sb}");
        Ip($"-n {sb} link set {c} name eth0");
        Ip($"-n {sb} addr add 172.30.0.2/24 dev eth0");
        Ip($"-n {sb} link set eth0 up");
        Ip($"-n {sb} route add default via 172.30.0.1");
        var s = sw.Elapsed.TotalMilliseconds;
        sw.Restart();
        Ip($"-n {sb} link set eth0 down");
        Ip($"-n {sb} link set eth0 name {c}");
        Ip($"-n {sb} link set {c} netns cnmbench-host");
        Ip($"netns del {sb}");
        var t = sw.Elapsed.TotalMilliseconds;
        host.DeleteLink("hb" + (i + 10));
        if (i >= 0)
        {
            setup.Add(s);
            teardown.Add(t);
        }
    }

    return (setup, teardown);
}

static void Ip(string arguments)
{
    using var p = Process.Start(new ProcessStartInfo("ip", arguments) { RedirectStandardError = true })!;
    var error = p.StandardError.ReadToEnd();
    p.WaitForExit();
    if (p.ExitCode != 0)
    {
        throw new InvalidOperationException($"ip {arguments}: {error}");
    }
}

static double Median(List<double> values) => Percentile(values, 0.5);

static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToList();
    return sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(p * sorted.Count) - 1)];
}

static void Report(string name, List<double> ms) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name,-36} n={ms.Count} median={Median(ms):F2} ms p95={Percentile(ms, 0.95):F2} ms ops/s={ms.Count / (ms.Sum() / 1000):F0}"));
