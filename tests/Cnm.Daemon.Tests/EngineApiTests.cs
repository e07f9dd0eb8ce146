using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Cnm.Daemon.Tests;

/// <summary>
/// The Engine API as clients use it (spec/daemon-api.md): <c>docker version</c> and <c>docker info</c> through the real
/// CLI, the <c>/vX.Y/</c> check, network inspect's <c>verbose</c> and <c>scope</c>, and 400 for bad filter values.
/// </summary>
public sealed partial class EngineApiTests(DaemonFixture fixture) : IClassFixture<DaemonFixture>
{
    private HttpClient Http => fixture.Http;

    [GeneratedRegex("^([0-9a-f]{40}|unknown)$")]
    private static partial Regex Commit();

    private static string Kernel() => File.ReadAllText("/proc/sys/kernel/osrelease").Trim();

    [Fact]
    public async Task Version_DockerCli_ShowsCnmdWithCommitAndKernel()
    {
        var version = JsonDocument.Parse(await Http.GetStringAsync("/version")).RootElement;
        var commit = version.GetProperty("GitCommit").GetString()!;
        Assert.Matches(Commit(), commit);
        Assert.Equal(Kernel(), version.GetProperty("KernelVersion").GetString());
        Assert.Equal("cnmd", version.GetProperty("Platform").GetProperty("Name").GetString());
        Assert.Equal("linux", version.GetProperty("Os").GetString());
        Assert.False(string.IsNullOrEmpty(version.GetProperty("BuildTime").GetString()));
        var engine = Assert.Single(version.GetProperty("Components").EnumerateArray());
        Assert.Equal("Engine", engine.GetProperty("Name").GetString());
        Assert.Equal(version.GetProperty("Version").GetString(), engine.GetProperty("Version").GetString());
        Assert.Equal(["ApiVersion", "Arch", "BuildTime", "Experimental", "GitCommit", "GoVersion", "KernelVersion", "MinAPIVersion", "Os"],
            engine.GetProperty("Details").EnumerateObject().Select(p => p.Name).ToArray());

        var cli = await fixture.Docker.RunAsync("version");
        Assert.True(cli.ExitCode == 0, cli.ToString());
        Assert.Contains("Server: cnmd", cli.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"API version:\s+1\.47 \(minimum version 1\.24\)", cli.Stdout);
        Assert.Matches(@"Git commit:\s+" + commit, cli.Stdout);
        Assert.Matches(@"OS/Arch:\s+linux/", cli.Stdout);
    }

    [Fact]
    public async Task Info_DockerCli_ExitsZero_ShowsVersionDriversIpamAndRootDir()
    {
        Assert.Equal(HttpStatusCode.Created, (await Http.PostAsync("/networks/create",
            NativeEndpointTests.Body($$$"""{"Name":"info-both","Driver":"{{{DaemonFixture.MockBoth}}}","IPAM":{"Driver":"{{{DaemonFixture.MockBoth}}}"}}"""))).StatusCode);

        var info = JsonDocument.Parse(await Http.GetStringAsync("/info")).RootElement;
        var plugins = info.GetProperty("Plugins");
        var network = plugins.GetProperty("Network").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Contains("null", network);
        Assert.Contains("host", network);
        Assert.Contains(DaemonFixture.MockBoth, network);
        Assert.Equal(network.Order(StringComparer.Ordinal), network);
        var ipam = plugins.GetProperty("IPAM").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Contains("default", ipam);
        Assert.Contains(DaemonFixture.MockBoth, ipam);
        Assert.Equal(0, info.GetProperty("Containers").GetInt32());
        Assert.Equal("inactive", info.GetProperty("Swarm").GetProperty("LocalNodeState").GetString());
        Assert.Equal(Kernel(), info.GetProperty("KernelVersion").GetString());
        Assert.Equal(info.GetProperty("ID").GetString(), JsonDocument.Parse(await Http.GetStringAsync("/info")).RootElement.GetProperty("ID").GetString());

        var cli = await fixture.Docker.RunAsync("info");
        Assert.True(cli.ExitCode == 0, cli.ToString());
        Assert.Contains(" Server Version: " + info.GetProperty("ServerVersion").GetString(), cli.Stdout, StringComparison.Ordinal);
        // Sorted names; the fixture's other plugins may be activated meanwhile, so only the ones known here are checked.
        Assert.Matches(@"\n  Network: host( \S+)* mockboth( \S+)* null( \S+)*\n", cli.Stdout);
        Assert.Matches(@"\n IPAM Drivers: default( \S+)* mockboth( \S+)* null( \S+)*\n", cli.Stdout);
        Assert.Contains(" Kernel Version: " + Kernel(), cli.Stdout, StringComparison.Ordinal);
        Assert.Contains(" Docker Root Dir: " + fixture.Temp.File("data"), cli.Stdout, StringComparison.Ordinal);
        Assert.Contains(" Swarm: inactive", cli.Stdout, StringComparison.Ordinal);
        Assert.Contains("\n Engine: cnmd\n", cli.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("ERROR", cli.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1.13.1/networks", "client version 1.13.1 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version")]
    [InlineData("/v1.12/version", "client version 1.12 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version")]
    [InlineData("/v1/containers/x/json", "client version 1 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version")]
    [InlineData("/v1.48/networks", "client version 1.48 is too new. Maximum supported API version is 1.47")]
    [InlineData("/v2.0/_ping", "client version 2.0 is too new. Maximum supported API version is 1.47")]
    [InlineData("/v1.4/networks", "client version 1.4 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version")]
    [InlineData("/v1.47.1/networks", "client version 1.47.1 is too new. Maximum supported API version is 1.47")]
    [InlineData("/v1.99999999999999999999/networks", "client version 1.99999999999999999999 is too new. Maximum supported API version is 1.47")]
    [InlineData("/v.1/networks", "client version .1 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version")]
    public async Task VersionPrefix_OutsideSupportedRange_400WithDockerdMessage(string path, string message)
    {
        using var response = await Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("1.47", response.Headers.GetValues("Api-Version").Single());
        Assert.Equal(message, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task VersionPrefix_DockerCliPinnedBelowMinimum_FailsWithDockerdMessage()
    {
        // The CLI itself refuses versions below what each command needs (1.21 for network ls), so 1.23 is the oldest it
        // sends: /v1.23/networks, under our minimum of 1.24.
        var cli = await fixture.Docker.RunWithApiVersionAsync("1.23", "network", "ls");
        Assert.NotEqual(0, cli.ExitCode);
        Assert.Contains("client version 1.23 is too old. Minimum supported API version is 1.24", cli.Stderr, StringComparison.Ordinal);

        var current = await fixture.Docker.RunWithApiVersionAsync("1.41", "network", "ls");
        Assert.True(current.ExitCode == 0, current.ToString());
    }

    [Theory]
    [InlineData("/v1.24/networks")]
    [InlineData("/v1.41/networks")]
    [InlineData("/v1.47/networks")]
    [InlineData("/v1.47.0/networks")]
    [InlineData("/v1.47./networks")]
    [InlineData("/v1.041/networks")]
    [InlineData("/v1.30.0.0/networks")]
    [InlineData("/networks")]
    public async Task VersionPrefix_InRangeOrAbsent_Served(string path)
    {
        using var response = await Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task NetworkInspect_VerboseAndScope_HonouredAsDockerd()
    {
        var id = await NativeEndpointTests.CreateNetworkAsync(Http, "inspect-vs", "null");
        var plain = await Http.GetStringAsync($"/networks/{id}");
        foreach (var query in new[] { "verbose=true", "verbose=1", "verbose=false", "scope=local", "verbose=True&scope=local" })
        {
            using var ok = await Http.GetAsync($"/networks/inspect-vs?{query}");
            Assert.True(ok.StatusCode == HttpStatusCode.OK, query);
            var body = JsonDocument.Parse(await ok.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(id, body.GetProperty("Id").GetString());
            Assert.False(body.TryGetProperty("Services", out _), "a local network has no swarm services, as in dockerd");
        }

        Assert.Equal(plain, await Http.GetStringAsync($"/networks/{id}?verbose=true"));

        foreach (var scope in new[] { "swarm", "global" })
        {
            using var other = await Http.GetAsync($"/networks/{id}?scope={scope}");
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
            Assert.Contains($"network {id} not found", await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var badVerbose = await Http.GetAsync($"/networks/{id}?verbose=yes");
        Assert.Equal(HttpStatusCode.BadRequest, badVerbose.StatusCode);
        Assert.Contains("invalid value for verbose: \\\"yes\\\"", await badVerbose.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var badScope = await Http.GetAsync($"/networks/{id}?scope=planet");
        Assert.Equal(HttpStatusCode.BadRequest, badScope.StatusCode);
        Assert.Contains("invalid value for scope", await badScope.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var cli = await fixture.Docker.RunAsync("network", "inspect", "--verbose", "--format", "{{.Name}} {{.Scope}}", "inspect-vs");
        Assert.True(cli.ExitCode == 0, cli.ToString());
        Assert.Equal("inspect-vs local", cli.Stdout.Trim());
    }

    [Theory]
    [InlineData("""{"type":{"bogus":true}}""", "invalid filter: 'type'='bogus'")]
    [InlineData("""{"dangling":{"maybe":true}}""", "invalid filter: 'dangling'='maybe'")]
    [InlineData("""{"scope":{"planet":true}}""", "invalid filter: 'scope'='planet'")]
    [InlineData("""{"colour":{"red":true}}""", "invalid filter 'colour'")]
    [InlineData("""[1,2]""", "invalid filters")]
    public async Task NetworkList_BadFilterValue_400EvenWithoutMatchingNetworks(string filters, string message)
    {
        using var response = await Http.GetAsync("/networks?filters=" + Uri.EscapeDataString(filters));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("""{"name":null}""")]
    [InlineData("""{"dangling":{"true":true}}""")]
    public async Task NetworkList_NullOrValidFilters_200(string filters)
    {
        using var response = await Http.GetAsync("/networks?filters=" + Uri.EscapeDataString(filters));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task NetworkInspect_EndpointWithoutSandbox_ListedAsEpIdInContainers()
    {
        await NativeEndpointTests.CreateNetworkAsync(Http, "ep-list", DaemonFixture.MockPlugin, "10.57.0.0/24");
        var loose = await NativeEndpointTests.CreateEndpointAsync(Http, """{"Network":"ep-list","Name":"dhcp0"}""");
        var looseId = loose.GetProperty("Id").GetString()!;
        await NativeEndpointTests.CreateSandboxAsync(Http, "ep11stc0");
        var connect = await fixture.Docker.RunAsync("network", "connect", "ep-list", "ep11stc0");
        Assert.True(connect.ExitCode == 0, connect.ToString());

        var cli = await fixture.Docker.RunAsync("network", "inspect", "--format", "{{json .Containers}}", "ep-list");
        Assert.True(cli.ExitCode == 0, cli.ToString());
        var containers = JsonDocument.Parse(cli.Stdout).RootElement;
        Assert.Equal(["ep-" + looseId, "ep11stc0"], containers.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var entry = containers.GetProperty("ep-" + looseId);
        Assert.Equal("dhcp0", entry.GetProperty("Name").GetString());
        Assert.Equal(looseId, entry.GetProperty("EndpointID").GetString());
        Assert.Equal(loose.GetProperty("Interface").GetProperty("Address").GetString(), entry.GetProperty("IPv4Address").GetString());
        Assert.StartsWith("10.57.0.", entry.GetProperty("IPv4Address").GetString(), StringComparison.Ordinal);
        Assert.Equal("", entry.GetProperty("IPv6Address").GetString());
        Assert.True(entry.TryGetProperty("MacAddress", out _));

        // Joined by hand, it moves under its container's id.
        await NativeEndpointTests.CreateSandboxAsync(Http, "ep11stc1");
        using (var joined = await Http.PostAsync($"/cnm/v1/endpoints/{looseId}/join", NativeEndpointTests.Body("""{"Sandbox":"ep11stc1"}""")))
        {
            Assert.Equal(HttpStatusCode.OK, joined.StatusCode);
        }

        var after = JsonDocument.Parse((await fixture.Docker.RunAsync("network", "inspect", "--format", "{{json .Containers}}", "ep-list")).Stdout).RootElement;
        Assert.Equal(["ep11stc0", "ep11stc1"], after.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(looseId, after.GetProperty("ep11stc1").GetProperty("EndpointID").GetString());
    }
}
