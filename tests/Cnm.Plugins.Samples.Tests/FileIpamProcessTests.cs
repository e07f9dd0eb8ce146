using System.Net.Sockets;
using System.Runtime.InteropServices;
using Cnm.Plugins.Client;
using Cnm.Protocol;
using Cnm.Protocol.Ipam;
using Cnm.Testing;

namespace Cnm.Plugins.Samples.Tests;

/// <summary>The file-backed IPAM sample as a real process: its allocations survive a crash, and it runs under socket activation.</summary>
public partial class FileIpamProcessTests
{
    private const string Project = "Cnm.Samples.FileIpam";
    private static PluginJsonContext J => PluginJsonContext.Default;

    [Fact]
    public async Task Restart_AfterKill_KeepsPoolsAndAllocations()
    {
        using var temp = new TempDirectory("cnm-fileipam");
        var sockets = temp.File("plugins");
        var socket = Path.Combine(sockets, "fipam.sock");
        string[] arguments = ["--name", "fipam", "--socket-dir", sockets, "--state", temp.File("state", "ipam.json")];
        string poolId;
        using (var first = SampleProcess.Start(Project, arguments))
        {
            await SampleProcess.WaitForFileAsync(socket, first);
            using var client = Client(socket);
            var pool = await RequestPoolAsync(client, "");
            poolId = pool.PoolId!;
            Assert.Equal("10.210.0.0/24", pool.Pool);
            Assert.Equal("10.210.0.1/24", (await RequestAddressAsync(client, poolId, "")).Address);
            Assert.Equal("10.210.0.2/24", (await RequestAddressAsync(client, poolId, "")).Address);
            first.Kill(); // a crash: the stale socket stays behind
        }

        Assert.True(Path.Exists(socket), "a killed plugin leaves its socket file");
        using var second = SampleProcess.Start(Project, arguments);
        await WaitUntilAnsweringAsync(socket);
        using var again = Client(socket);

        Assert.Equal("10.210.0.3/24", (await RequestAddressAsync(again, poolId, "")).Address);
        Assert.Equal("10.210.1.0/24", (await RequestPoolAsync(again, "")).Pool);
        var taken = await Assert.ThrowsAsync<PluginException>(() => RequestAddressAsync(again, poolId, "10.210.0.2"));
        Assert.Contains("already allocated", taken.Message, StringComparison.Ordinal);
        await again.CallAsync(PluginMethods.Ipam.ReleaseAddress, new ReleaseAddressRequest(poolId, "10.210.0.1"),
            J.ReleaseAddressRequest, J.ReleaseAddressResponse, CancellationToken.None);
        Assert.Equal("10.210.0.1/24", (await RequestAddressAsync(again, poolId, "")).Address);
    }

    [Fact]
    public async Task RequireMac_CapabilitiesSayIt_AndTheMacIsStored()
    {
        using var temp = new TempDirectory("cnm-fileipam");
        var socket = temp.File("macipam.sock");
        var state = temp.File("ipam.json");
        using var plugin = SampleProcess.Start(Project, ["--name", "macipam", "--socket-dir", temp.Path, "--state", state, "--require-mac"]);
        await SampleProcess.WaitForFileAsync(socket, plugin);
        using var client = Client(socket);

        var capabilities = await client.CallAsync(PluginMethods.Ipam.GetCapabilities, J.IpamCapabilitiesResponse, CancellationToken.None);
        var pool = await RequestPoolAsync(client, "192.168.77.0/24");
        await client.CallAsync(PluginMethods.Ipam.RequestAddress, new RequestAddressRequest(pool.PoolId!, "",
                new Dictionary<string, string> { ["com.docker.network.endpoint.macaddress"] = "02:42:c0:a8:4d:01" }),
            J.RequestAddressRequest, J.RequestAddressResponse, CancellationToken.None);

        Assert.True(capabilities.RequiresMacAddress);
        Assert.Contains("02:42:c0:a8:4d:01", await File.ReadAllTextAsync(state), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SocketActivation_InheritedListeningSocket_AnswersActivate()
    {
        using var temp = new TempDirectory("cnm-fileipam");
        var path = temp.File("activated.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(16);
        var fd = (int)listener.SafeHandle.DangerousGetHandle();
        Assert.Equal(0, fcntl(fd, FSetFd, 0)); // let the child inherit it (sockets are opened close-on-exec)
        var sockets = temp.File("never-used");

        // As systemd does: the socket on fd 3, LISTEN_FDS=1, LISTEN_PID = the plugin's own PID (exec keeps $$).
        using var plugin = SampleProcess.Start(Project, ["--name", "activated", "--socket-dir", sockets, "--state", temp.File("s.json")],
            shell: $"exec 3<&{fd}; export LISTEN_PID=$$ LISTEN_FDS=1");
        try
        {
            await WaitUntilAnsweringAsync(path, TimeSpan.FromSeconds(30));
        }
        catch (Cnm.Plugins.PluginException ex)
        {
            throw new InvalidOperationException($"{ex.Message}; the plugin wrote:\n{plugin.Output}", ex);
        }

        using var client = Client(path);

        var activate = await client.CallAsync(PluginMethods.Activate, J.ActivateResponse, CancellationToken.None);

        Assert.Equal([PluginInterfaces.IpamDriver], activate.Implements);
        Assert.False(Directory.Exists(sockets), "under socket activation the plugin creates no socket of its own");
    }

    private const int FSetFd = 2;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fcntl(int fd, int command, int argument);

    private static PluginClient Client(string socket) => new(new PluginSpec("sample", new Uri("unix://" + socket)));

    private static async Task WaitUntilAnsweringAsync(string socket, TimeSpan? callTimeout = null)
    {
        using var client = new PluginClient(new PluginSpec("sample", new Uri("unix://" + socket)),
            new PluginClientOptions { ConnectRetryBudget = TimeSpan.FromSeconds(30), CallTimeout = callTimeout ?? TimeSpan.FromSeconds(60) });
        await client.CallAsync(PluginMethods.Activate, J.ActivateResponse, CancellationToken.None);
    }

    private static Task<RequestPoolResponse> RequestPoolAsync(PluginClient client, string pool) =>
        client.CallAsync(PluginMethods.Ipam.RequestPool, new RequestPoolRequest("LocalDefault", pool, "", null, false),
            J.RequestPoolRequest, J.RequestPoolResponse, CancellationToken.None);

    private static Task<RequestAddressResponse> RequestAddressAsync(PluginClient client, string pool, string address) =>
        client.CallAsync(PluginMethods.Ipam.RequestAddress, new RequestAddressRequest(pool, address, null),
            J.RequestAddressRequest, J.RequestAddressResponse, CancellationToken.None);
}
