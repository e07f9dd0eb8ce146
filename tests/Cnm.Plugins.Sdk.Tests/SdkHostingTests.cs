using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Cnm.Plugins.Client;
using Cnm.Plugins.Discovery;
using Cnm.Plugins.Sdk.Hosting;
using Cnm.Protocol;
using Cnm.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Cnm.Plugins.Sdk.Tests;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class SdkHostingTests
{
    [Fact]
    public async Task ListenPluginSocket_CreatesNameSockWith0660_AndRemovesItAtShutdown()
    {
        using var temp = new TempDirectory("cnm-sdk-host");
        var directory = temp.File("plugins");
        var host = await SdkHost.StartAsync(directory, app => app.MapNetworkDriver(new MinimalNetworkDriver()), name: "mynet");
        var path = Path.Combine(directory, "mynet.sock");
        try
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite,
                File.GetUnixFileMode(path));
            var spec = new PluginDiscovery(Discovery(directory, temp.File("specs"))).Find("mynet");
            using var client = new PluginClient(spec);
            var activate = await client.CallAsync(PluginMethods.Activate, PluginJsonContext.Default.ActivateResponse,
                CancellationToken.None);
            Assert.Equal([PluginInterfaces.NetworkDriver], activate.Implements);
        }
        finally
        {
            await host.DisposeAsync();
        }

        Assert.False(Path.Exists(path), "the socket is removed at shutdown");
    }

    [Fact]
    public async Task ListenPluginSocket_StaleSocket_IsReplaced()
    {
        using var temp = new TempDirectory("cnm-sdk-host");
        var path = temp.File("stale.sock");
        using (var dead = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            // .NET unlinks the file it bound when the socket closes; moved away, the file stays behind with nobody
            // listening, as after a killed plugin.
            dead.Bind(new UnixDomainSocketEndPoint(temp.File("bound.sock")));
            File.Move(temp.File("bound.sock"), path);
        }

        Assert.True(Path.Exists(path));

        await using var host = await SdkHost.StartAsync(temp.Path, app => app.MapNetworkDriver(new MinimalNetworkDriver()), name: "stale");
        using var response = await host.PostAsync("/Plugin.Activate", null);

        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task ListenPluginSocket_SocketInUse_FailsAndLeavesItAlone()
    {
        using var temp = new TempDirectory("cnm-sdk-host");
        await using var first = await SdkHost.StartAsync(temp.Path, app => app.MapNetworkDriver(new MinimalNetworkDriver()), name: "busy");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            SdkHost.StartAsync(temp.Path, app => app.MapNetworkDriver(new MinimalNetworkDriver()), name: "busy"));

        Assert.Contains("in use", error.Message, StringComparison.Ordinal);
        using var response = await first.PostAsync("/Plugin.Activate", null);
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task ListenPluginSocket_RegularFileInTheWay_FailsWithoutDeletingIt()
    {
        using var temp = new TempDirectory("cnm-sdk-host");
        var path = temp.WriteFile("file.sock", "not a socket");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            SdkHost.StartAsync(temp.Path, app => app.MapNetworkDriver(new MinimalNetworkDriver()), name: "file"));

        Assert.Contains("is not a socket", error.Message, StringComparison.Ordinal);
        Assert.Equal("not a socket", await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task ListenPluginSocket_GroupAndMode_AreApplied()
    {
        using var temp = new TempDirectory("cnm-sdk-host");
        await using var host = await SdkHost.StartAsync(temp.Path, app => app.MapNetworkDriver(new MinimalNetworkDriver()),
            o => { o.GroupId = 4242; o.Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite; }, name: "grp");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(host.SocketPath));
        var stat = await RunAsync("stat", "-c", "%g", host.SocketPath);
        Assert.Equal("4242", stat.Trim());
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData(" ")]
    public void ListenPluginSocket_BadName_Throws(string name)
    {
        var builder = WebApplication.CreateSlimBuilder();

        Assert.ThrowsAny<ArgumentException>(() => builder.ListenPluginSocket(name));
    }

    [Fact]
    public async Task ListenPluginTcp_WritesSpecFileTheHostFinds_AndRemovesIt()
    {
        using var temp = new TempDirectory("cnm-sdk-tcp");
        var specs = temp.File("specs");
        var app = Build(b => b.ListenPluginTcp("tcpnet", o => o.SpecDirectory = specs));
        app.MapNetworkDriver(new MinimalNetworkDriver());
        await app.StartAsync();
        var file = Path.Combine(specs, "tcpnet.spec");
        try
        {
            var address = await File.ReadAllTextAsync(file);
            Assert.Matches("^tcp://127\\.0\\.0\\.1:[1-9][0-9]*$", address);
            var spec = new PluginDiscovery(Discovery(temp.File("sockets"), specs)).Find("tcpnet");
            using var client = new PluginClient(spec);
            var activate = await client.CallAsync(PluginMethods.Activate, PluginJsonContext.Default.ActivateResponse,
                CancellationToken.None);
            Assert.Equal([PluginInterfaces.NetworkDriver], activate.Implements);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        Assert.False(File.Exists(file), "the spec file is removed at shutdown");
    }

    [Fact]
    public async Task ListenPluginTcp_WithCertificate_WritesJsonWithHttpsAndServesTls()
    {
        using var temp = new TempDirectory("cnm-sdk-tls");
        var specs = temp.File("specs");
        using var ca = TestCertificates.CreateCa();
        using var certificate = TestCertificates.CreateServer(ca, IPAddress.Loopback);
        var caFile = TestCertificates.WriteCertificatePem(ca, temp.File("ca.pem"));
        var app = Build(b => b.ListenPluginTcp("tlsnet", o =>
        {
            o.SpecDirectory = specs;
            o.Certificate = certificate;
            o.CaFile = caFile;
        }));
        app.MapIpamDriver(new MinimalIpamDriver());
        await app.StartAsync();
        try
        {
            Assert.False(File.Exists(Path.Combine(specs, "tlsnet.spec")));
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(specs, "tlsnet.json")));
            Assert.StartsWith("https://127.0.0.1:", json.RootElement.GetProperty("Addr").GetString(), StringComparison.Ordinal);
            Assert.Equal(caFile, json.RootElement.GetProperty("TLSConfig").GetProperty("CAFile").GetString());

            var spec = new PluginDiscovery(Discovery(temp.File("sockets"), specs)).Find("tlsnet");
            using var client = new PluginClient(spec); // verifies the server certificate against the CA file
            var activate = await client.CallAsync(PluginMethods.Activate, PluginJsonContext.Default.ActivateResponse,
                CancellationToken.None);
            Assert.Equal([PluginInterfaces.IpamDriver], activate.Implements);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    internal static PluginDiscoveryOptions Discovery(string sockets, string specs)
    {
        var options = new PluginDiscoveryOptions { SocketDirectory = sockets };
        options.SpecDirectories.Clear();
        options.SpecDirectories.Add(specs);
        return options;
    }

    private static WebApplication Build(Action<WebApplicationBuilder> listen)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        listen(builder);
        return builder.Build();
    }

    private static async Task<string> RunAsync(string file, params string[] arguments)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
        })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output;
    }
}
