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

    [Fact]
    public async Task InspectContainer_SandboxByIdNameOrPrefix_ShowsRunningAndItsNetworks()
    {
        using var configuration = new DockerClientConfiguration(new Uri("unix://" + fixture.SocketPath));
        using var client = configuration.CreateClient();
        using var http = DaemonFixture.CreateClient(fixture.SocketPath);
        await client.Networks.CreateNetworkAsync(new NetworksCreateParameters
        {
            Name = "dotnet-ctr",
            Driver = DaemonFixture.MockPlugin,
            IPAM = new IPAM { Config = [new IPAMConfig { Subnet = "10.56.0.0/24", Gateway = "10.56.0.1" }] },
        });
        using var sandbox = await http.PostAsync("/cnm/v1/sandboxes",
            new StringContent("""{"ContainerId":"dd0c7a1e0000ffff","Name":"dotctr"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.Created, sandbox.StatusCode);
        await client.Networks.ConnectNetworkAsync("dotnet-ctr", new NetworkConnectParameters
        {
            Container = "dotctr",
            EndpointConfig = new EndpointSettings { IPAMConfig = new EndpointIPAMConfig { IPv4Address = "10.56.0.30" } },
        });
        var network = await client.Networks.InspectNetworkAsync("dotnet-ctr");

        foreach (var reference in new[] { "dd0c7a1e0000ffff", "dotctr", "/dotctr", "dd0c7a1e" })
        {
            var container = await client.Containers.InspectContainerAsync(reference);
            Assert.Equal("dd0c7a1e0000ffff", container.ID);
            Assert.Equal("/dotctr", container.Name);
            Assert.True(container.State.Running);
            var entry = Assert.Single(container.NetworkSettings.Networks);
            Assert.Equal("dotnet-ctr", entry.Key);
            Assert.Equal(network.ID, entry.Value.NetworkID);
            Assert.Equal(network.Containers["dd0c7a1e0000ffff"].EndpointID, entry.Value.EndpointID);
            Assert.Equal("10.56.0.30", entry.Value.IPAddress);
            Assert.Equal(24, entry.Value.IPPrefixLen);
            Assert.Equal(network.Containers["dd0c7a1e0000ffff"].MacAddress, entry.Value.MacAddress);
            Assert.Equal("10.56.0.30", entry.Value.IPAMConfig.IPv4Address);
            Assert.Equal("", entry.Value.GlobalIPv6Address);
        }

        var missing = await Assert.ThrowsAsync<DockerContainerNotFoundException>(() => client.Containers.InspectContainerAsync("nosuchbox"));
        Assert.Contains("No such container: nosuchbox", missing.ResponseBody, StringComparison.Ordinal);

        var start = await Assert.ThrowsAsync<DockerContainerNotFoundException>(() => client.Containers.StartContainerAsync("dotctr", new ContainerStartParameters()));
        Assert.Contains("cnmd is not a container engine", start.ResponseBody, StringComparison.Ordinal);
        var startMissing = await Assert.ThrowsAsync<DockerContainerNotFoundException>(() => client.Containers.StopContainerAsync("nosuchbox", new ContainerStopParameters()));
        Assert.Contains("No such container: nosuchbox", startMissing.ResponseBody, StringComparison.Ordinal);
        using var list = await http.GetAsync("/v1.41/containers/json");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, list.StatusCode);
        Assert.Contains("cnmd is not a container engine", await list.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await client.Networks.DisconnectNetworkAsync("dotnet-ctr", new NetworkDisconnectParameters { Container = "dotctr" });
        Assert.Empty((await client.Containers.InspectContainerAsync("dotctr")).NetworkSettings.Networks);
    }
}
