using System.Net;
using System.Text;
using System.Text.Json;

namespace Cnm.Daemon.Tests;

/// <summary>
/// What a docker user meets when a command reaches past cnmd's network API, and the names in its refusals
/// (spec/daemon-api.md, "Conventions", "Containers" and "Connect and disconnect"), through the real docker CLI.
/// </summary>
public sealed class DockerCliUserReviewTests(DaemonFixture fixture) : IClassFixture<DaemonFixture>
{
    private const string NotEngine = "cnmd is not a container engine: ";

    private async Task<DockerCli.Result> FailsAsync(params string[] args)
    {
        var result = await fixture.Docker.RunAsync(args);
        Assert.True(result.ExitCode != 0, $"docker {string.Join(' ', args)} should fail: {result}");
        return result;
    }

    private async Task OkAsync(params string[] args)
    {
        var result = await fixture.Docker.RunAsync(args);
        Assert.True(result.ExitCode == 0, $"docker {string.Join(' ', args)} failed: {result}\ncnmd stderr:\n{fixture.Daemon.Stderr}");
    }

    private async Task<string> CreateSandboxAsync(string containerId, string name)
    {
        using var response = await fixture.Http.PostAsync("/cnm/v1/sandboxes",
            new StringContent($$"""{"ContainerId":"{{containerId}}","Name":"{{name}}"}""", Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("Id").GetString()!;
    }

    [Theory]
    [InlineData("system", "prune", "-f")]
    [InlineData("container", "prune", "-f")]
    public async Task Prune_Containers_SaysNotAContainerEngineNotNoSuchContainer(params string[] args)
    {
        // The CLI's first call is POST /containers/prune: "prune" is the collection's action, not a container's name.
        var result = await FailsAsync(args);
        Assert.Contains(NotEngine + "POST /containers/prune is not served", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("No such container", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rm_ContainerNamedPrune_StillNoSuchContainer()
    {
        // DELETE /containers/prune names a container: only POST /containers/prune is the collection's route.
        var result = await FailsAsync("rm", "prune");
        Assert.Contains("No such container: prune", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET /images/json", "images")]
    [InlineData("GET /volumes", "volume", "ls")]
    [InlineData("GET /system/df", "system", "df")]
    [InlineData("GET /plugins", "plugin", "ls")]
    public async Task EngineCommand_NotServed_SaysWhatCnmdServes(string route, params string[] args)
    {
        var expected = $"{NotEngine}{route} is not served; cnmd serves Docker's network API";
        using (var response = await fixture.Http.GetAsync("/v1.41" + route["GET ".Length..]))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Contains(expected, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var result = await FailsAsync(args);
        // docker 28 prints the daemon's message for each; Debian's docker.io 20.10 CLI turns the 404 of `plugin ls`
        // into its own text (the daemon's answer is checked above).
        Assert.True(result.Stderr.Contains("Error response from daemon: " + expected, StringComparison.Ordinal)
            || (args[0] == "plugin" && result.Stderr.Contains("Error: No such plugin:", StringComparison.Ordinal)), result.Stderr);
    }

    [Fact]
    public async Task UnknownRoute_NotAnEngineRoute_IsPageNotFound()
    {
        using var response = await fixture.Http.GetAsync("/v1.41/no-such-route/x");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        // With the newline Go's json.Encoder ends dockerd's bodies with (spec/daemon-api.md, "Framing").
        Assert.Equal("""{"message":"page not found: GET /no-such-route/x"}""" + "\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task NetworkDisconnect_NotConnected_NamesTheContainerIdNotTheSandboxId()
    {
        await OkAsync("network", "create", "-d", "null", "urdisc");
        var sandboxId = await CreateSandboxAsync("feed0c0ffee1", "urbox");

        foreach (var force in new[] { false, true })
        {
            string[] args = force ? ["network", "disconnect", "-f", "urdisc", "urbox"] : ["network", "disconnect", "urdisc", "urbox"];
            var result = await FailsAsync(args);
            Assert.Contains("container feed0c0ffee1 is not connected to network urdisc", result.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain(sandboxId, result.Stderr, StringComparison.Ordinal);
        }

        var ghost = await FailsAsync("network", "disconnect", "-f", "urdisc", "urghost");
        Assert.Contains("container urghost is not connected to network urdisc", ghost.Stderr, StringComparison.Ordinal);

        // Connected, the same commands work: the check refuses only what the controller would.
        await OkAsync("network", "connect", "urdisc", "urbox");
        await OkAsync("network", "disconnect", "urdisc", "urbox");
        await OkAsync("network", "connect", "urdisc", "urbox");
        await OkAsync("network", "disconnect", "-f", "urdisc", "feed0c0ffee1");
    }

    [Fact]
    public async Task NetworkLs_NameAndIdFilters_AreDockerdsRegularExpressions()
    {
        await OkAsync("network", "create", "-d", DaemonFixture.MockPlugin, "rxweb");
        await OkAsync("network", "create", "-d", DaemonFixture.MockPlugin, "rxweb2");
        await OkAsync("network", "create", "-d", DaemonFixture.MockPlugin, "rx.dot");

        async Task<string[]> NamesAsync(params string[] filters)
        {
            string[] args = ["network", "ls", "--format", "{{.Name}}", .. filters.SelectMany(f => new[] { "--filter", f })];
            var result = await fixture.Docker.RunAsync(args);
            Assert.True(result.ExitCode == 0, result.ToString());
            return [.. result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal)];
        }

        // The scripts' idiom for "does exactly this network exist".
        Assert.Equal(["rxweb"], await NamesAsync("name=^rxweb$"));
        Assert.Equal(["rxweb", "rxweb2"], await NamesAsync("name=^rxweb"));
        // Plain text still matches anywhere in the name; "." is any character, as in dockerd.
        Assert.Equal(["rx.dot", "rxweb", "rxweb2"], await NamesAsync("name=rx"));
        Assert.Equal(["rx.dot"], await NamesAsync("name=rx\\.d"));
        // A value that is no valid expression matches by equality only, never an error.
        Assert.Empty(await NamesAsync("name=rx("));

        var id = (await fixture.Docker.RunAsync("network", "inspect", "-f", "{{.Id}}", "rxweb2")).Stdout.Trim();
        Assert.Equal(["rxweb2"], await NamesAsync("id=^" + id[..12]));
        Assert.Equal(["rxweb2"], await NamesAsync("id=" + id[44..] + "$", "name=rx"));
    }

    [Fact]
    public async Task NetworkCreate_BridgeOnMemorySandboxes_SaysWhyAndWhatToUse()
    {
        // The first command a user types: the CLI sends -d bridge, which a --sandbox memory cnmd does not have.
        using var layout = new DaemonLayout("cnm-urmem");
        using var daemon = DaemonProcess.Start([.. layout.Args, "--sandbox", "memory"]);
        await daemon.WaitReadyAsync();
        var docker = new DockerCli(layout.Socket, layout.Temp.CreateDirectory("docker-config"));

        foreach (var driver in new[] { "bridge", "macvlan" })
        {
            string[] args = driver == "bridge" ? ["network", "create", "urmem"] : ["network", "create", "-d", driver, "urmem"];
            var result = await docker.RunAsync(args);
            Assert.True(result.ExitCode == 1, result.ToString());
            Assert.Contains($"network driver \"{driver}\" is one of cnmd's built-in Linux drivers (bridge, macvlan), which need --sandbox linux; "
                + "this cnmd runs with --sandbox memory", result.Stderr, StringComparison.Ordinal);
            Assert.Contains("use -d null, -d host or a plugin's name", result.Stderr, StringComparison.Ordinal);
        }

        // Another unknown driver keeps the plain answer, and -d null works.
        var other = await docker.RunAsync("network", "create", "-d", "nosuchdriver", "urmem");
        Assert.Contains("network driver \"nosuchdriver\" is not available", other.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("--sandbox", other.Stderr, StringComparison.Ordinal);
        var ok = await docker.RunAsync("network", "create", "-d", "null", "urmem");
        Assert.True(ok.ExitCode == 0, ok.ToString());
    }
}
