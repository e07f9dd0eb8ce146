namespace Cnm.Daemon.Tests;

/// <summary>cnmd's cluster flags refused before anything starts (spec/cluster.md, "cnmd flags").</summary>
public sealed class ClusterOptionTests
{
    [Theory]
    [InlineData(new[] { "--cluster-store", "http://127.0.0.1:2379" }, "--cluster-store http://127.0.0.1:2379:")]
    [InlineData(new[] { "--cluster-store", "etcd://127.0.0.1:1", "--node-name", "bad name" }, "--node-name \"bad name\"")]
    [InlineData(new[] { "--cluster-store", "etcd://127.0.0.1:1", "--advertise-addr", "nohost" }, "--advertise-addr \"nohost\": expected an IP address")]
    [InlineData(new[] { "--advertise-addr", "127.0.0.1" }, "need --cluster-store")]
    [InlineData(new[] { "--cluster-lease-ttl", "5" }, "need --cluster-store")]
    [InlineData(new[] { "--cluster-store", "etcd://127.0.0.1:1", "--cluster-lease-ttl", "1" }, "--cluster-lease-ttl \"1\": expected whole seconds from 2 to 3600")]
    [InlineData(new[] { "--cluster-store", "etcd://127.0.0.1:1", "--cluster-lease-ttl", "3601" }, "--cluster-lease-ttl \"3601\": expected whole seconds from 2 to 3600")]
    [InlineData(new[] { "--cluster-store", "etcd://127.0.0.1:1", "--cluster-lease-ttl", "1.5s" }, "--cluster-lease-ttl \"1.5s\": expected whole seconds from 2 to 3600")]
    [InlineData(new[] { "--cluster-store", "etcd://127.0.0.1:1", "--cluster-store-cacert", "/nonexistent/ca.pem" }, "etcds://")]
    public async Task Start_BadClusterFlag_Exit1NamingIt(string[] flags, string expected)
    {
        using var layout = new DaemonLayout("cnm-clusteropt");
        using var daemon = DaemonProcess.Start([.. layout.Args, "--sandbox", "memory", .. flags]);
        Assert.Equal(1, await daemon.WaitExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(expected, daemon.Stderr);
    }

    [Fact]
    public async Task Start_ClusterStoreUnreachable_Exit1NamingTheStore()
    {
        using var layout = new DaemonLayout("cnm-clusteropt");
        // A port nothing listens on: taken from the kernel, then closed.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var daemon = DaemonProcess.Start([.. layout.Args, "--sandbox", "memory", "--cluster-store", $"etcd://127.0.0.1:{port}"],
            new Dictionary<string, string> { ["CNMD_LOGLEVEL"] = "debug" });
        Assert.Equal(1, await daemon.WaitExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains($"--cluster-store etcd://127.0.0.1:{port}", daemon.Stderr);
        Assert.Contains("unreachable", daemon.Stderr);
    }
}
