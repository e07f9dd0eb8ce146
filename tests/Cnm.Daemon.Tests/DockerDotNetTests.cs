using Docker.DotNet;
using Docker.DotNet.Models;

namespace Cnm.Daemon.Tests;

/// <summary>The Docker.DotNet client, unchanged, against cnmd: the same network API as the docker CLI.</summary>
public sealed class DockerDotNetTests(DaemonFixture fixture) : IClassFixture<DaemonFixture>
{
    [Fact]
    public async Task Networks_CreateListInspectConnectDelete_Work()
    {
        using var configuration = new DockerClientConfiguration(new Uri("unix://" + fixture.SocketPath));
        using var client = configuration.CreateClient();

        var created = await client.Networks.CreateNetworkAsync(new NetworksCreateParameters
        {
            Name = "dotnet1",
            Driver = DaemonFixture.MockPlugin,
            IPAM = new IPAM { Config = [new IPAMConfig { Subnet = "10.55.0.0/24", Gateway = "10.55.0.1" }] },
            Labels = new Dictionary<string, string> { ["from"] = "docker.dotnet" },
        });
        Assert.Matches("^[0-9a-f]{64}$", created.ID);

        var listed = await client.Networks.ListNetworksAsync(new NetworksListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { ["from=docker.dotnet"] = true } },
        });
        Assert.Equal("dotnet1", Assert.Single(listed).Name);

        using var http = DaemonFixture.CreateClient(fixture.SocketPath);
        using var sandbox = await http.PostAsync("/cnm/v1/sandboxes",
            new StringContent("""{"ContainerId":"dd0001","Name":"dotbox"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.Created, sandbox.StatusCode);

        await client.Networks.ConnectNetworkAsync("dotnet1", new NetworkConnectParameters
        {
            Container = "dotbox",
            EndpointConfig = new EndpointSettings { IPAMConfig = new EndpointIPAMConfig { IPv4Address = "10.55.0.20" } },
        });
        var inspected = await client.Networks.InspectNetworkAsync("dotnet1");
        Assert.Equal(DaemonFixture.MockPlugin, inspected.Driver);
        Assert.Equal("10.55.0.0/24", Assert.Single(inspected.IPAM.Config).Subnet);
        Assert.Equal("10.55.0.20/24", inspected.Containers["dd0001"].IPv4Address);

        var inUse = await Assert.ThrowsAsync<DockerApiException>(() => client.Networks.DeleteNetworkAsync("dotnet1"));
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, inUse.StatusCode);

        await client.Networks.DisconnectNetworkAsync("dotnet1", new NetworkDisconnectParameters { Container = "dotbox" });
        await client.Networks.DeleteNetworkAsync("dotnet1");
        var missing = await Assert.ThrowsAsync<DockerNetworkNotFoundException>(() => client.Networks.InspectNetworkAsync("dotnet1"));
        Assert.Contains("not found", missing.ResponseBody, StringComparison.Ordinal);
    }
}
