using System.Diagnostics;

namespace Cnm.Linux.Tests.Firewall;

/// <summary>
/// A private dbus-daemon (system-bus-like config, its own socket) and a real firewalld confined to a "host" namespace
/// of the test, with a private /run and its permanent config under the test's temp dir. Dispose kills both by PID,
/// deletes the namespace and the temp dir.
/// </summary>
internal sealed class FirewalldFixture : IAsyncDisposable
{
    private readonly string _dir;
    private Process? _bus;
    private Process? _firewalld;

    private FirewalldFixture(TestNamespaces ns, string hostPath, string dir)
    {
        Namespaces = ns;
        HostPath = hostPath;
        _dir = dir;
    }

    public TestNamespaces Namespaces { get; }

    public string HostPath { get; }

    public string BusAddress => "unix:path=" + Path.Combine(_dir, "bus.sock");

    public string ConfigDir => Path.Combine(_dir, "etc");

    public static async Task<FirewalldFixture> StartAsync()
    {
        var ns = new TestNamespaces();
        var host = await ns.CreateAsync("host");
        var dir = Directory.CreateTempSubdirectory("cnm-fw-").FullName;
        var f = new FirewalldFixture(ns, host, dir);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "bus.conf"), $"""
                <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
                <busconfig>
                  <type>system</type>
                  <listen>{f.BusAddress}</listen>
                  <auth>EXTERNAL</auth>
                  <policy context="default">
                    <allow user="*"/> <allow own="*"/>
                    <allow send_type="method_call"/> <allow send_type="signal"/>
                    <allow send_requested_reply="true" send_type="method_return"/> <allow send_requested_reply="true" send_type="error"/>
                    <allow receive_type="method_call"/> <allow receive_type="method_return"/>
                    <allow receive_type="error"/> <allow receive_type="signal"/>
                  </policy>
                </busconfig>
                """);
            Directory.CreateDirectory(f.ConfigDir);
            File.Copy("/etc/firewalld/firewalld.conf", Path.Combine(f.ConfigDir, "firewalld.conf"));
            f._bus = Start("dbus-daemon", [$"--config-file={Path.Combine(dir, "bus.conf")}", "--nofork", "--nopidfile"]);
            await PollAsync(() => Task.FromResult(File.Exists(Path.Combine(dir, "bus.sock"))), "the bus socket");
            await f.StartFirewalldAsync();
            return f;
        }
        catch
        {
            await f.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts firewalld (again) and waits for state RUNNING.</summary>
    public async Task StartFirewalldAsync()
    {
        var script = $"mount -t tmpfs tmpfs /run && exec firewalld --nofork --nopid --system-config {ConfigDir} --log-target file --log-file {Path.Combine(_dir, "firewalld.log")}";
        // nsenter and unshare exec (no fork), so the PID is firewalld's.
        _firewalld = Start("nsenter", [$"--net={HostPath}", "unshare", "-m", "--propagation", "private", "sh", "-c", script], BusAddress);
        await PollAsync(async () => (await TryBusctlAsync("get-property", "org.fedoraproject.FirewallD1", "/org/fedoraproject/FirewallD1", "org.fedoraproject.FirewallD1", "state")) == "s \"RUNNING\"", "firewalld RUNNING");
    }

    /// <summary>Kills firewalld by PID and waits for its name to leave the bus.</summary>
    public async Task StopFirewalldAsync()
    {
        Kill(_firewalld);
        _firewalld = null;
        await PollAsync(async () => (await TryBusctlAsync("call", "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "NameHasOwner", "s", "org.fedoraproject.FirewallD1")) == "b false", "firewalld off the bus");
    }

    /// <summary>busctl against the private bus; its stdout trimmed (throws on failure).</summary>
    public async Task<string> BusctlAsync(params string[] args) =>
        (await RunAsync("busctl", [$"--address={BusAddress}", "--", .. args], null)).Trim();

    /// <summary>The zone firewalld has for an interface ("" for none).</summary>
    public async Task<string> ZoneOfAsync(string iface) =>
        (await BusctlAsync("call", "org.fedoraproject.FirewallD1", "/org/fedoraproject/FirewallD1", "org.fedoraproject.FirewallD1.zone", "getZoneOfInterface", "s", iface)).Trim('s', ' ', '"');

    /// <summary>firewall-cmd against the private bus.</summary>
    public Task<string> FirewallCmdAsync(params string[] args) => RunAsync("firewall-cmd", args, BusAddress);

    public static async Task PollAsync(Func<Task<bool>> condition, string what, int seconds = 60)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(seconds), $"timed out after {seconds} s waiting for {what}");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill(_firewalld);
        Kill(_bus);
        await Namespaces.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<string?> TryBusctlAsync(params string[] args)
    {
        try
        {
            return await BusctlAsync(args);
        }
        catch (Xunit.Sdk.XunitException)
        {
            return null;
        }
    }

    private static Process Start(string file, string[] args, string? systemBus = null)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false };
        if (systemBus is not null)
        {
            start.Environment["DBUS_SYSTEM_BUS_ADDRESS"] = systemBus;
        }

        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        return Process.Start(start)!;
    }

    private static void Kill(Process? process)
    {
        if (process is null)
        {
            return;
        }

        if (!process.HasExited)
        {
            process.Kill();
        }

        process.WaitForExit();
        process.Dispose();
    }

    private static async Task<string> RunAsync(string file, string[] args, string? systemBus)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        if (systemBus is not null)
        {
            start.Environment["DBUS_SYSTEM_BUS_ADDRESS"] = systemBus;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {await stderr}");
        return await stdout;
    }
}
