using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Cnm.Daemon.Tests;

/// <summary>
/// <c>GET /events</c> (spec/daemon-api.md, "GET /events") through the real <c>docker events</c>: a live stream while a
/// network is created, connected (a native sandbox), disconnected and removed; a past window with
/// <c>--since</c>/<c>--until</c> that ends by itself; and 400 for bad parameters.
/// </summary>
public sealed class EventsTests(DaemonFixture fixture) : IClassFixture<DaemonFixture>
{
    private HttpClient Http => fixture.Http;

    private static string Timestamp(DateTimeOffset time) =>
        (time.ToUnixTimeMilliseconds() / 1000m).ToString("0.000", CultureInfo.InvariantCulture);

    [Fact]
    public async Task DockerEvents_NetworkLifecycle_CreateConnectDisconnectDestroy_InOrder()
    {
        var start = DateTimeOffset.UtcNow.AddSeconds(-1);
        using var live = StartDockerEvents("--filter", "type=network", "--format", "{{.Type}} {{.Action}} {{.Actor.ID}} {{json .Actor.Attributes}}");
        await Task.Delay(TimeSpan.FromMilliseconds(500)); // the CLI connects and subscribes

        var created = await fixture.Docker.RunAsync("network", "create", "-d", DaemonFixture.MockPlugin, "ev-net");
        Assert.True(created.ExitCode == 0, created.ToString());
        var id = created.Stdout.Trim();
        await NativeEndpointTests.CreateSandboxAsync(Http, "ev0c0nta1ner");
        var connect = await fixture.Docker.RunAsync("network", "connect", "ev-net", "ev0c0nta1ner");
        Assert.True(connect.ExitCode == 0, connect.ToString());

        // An endpoint made and deleted with the native API, never joined: no event, as in Docker.
        var loose = await NativeEndpointTests.CreateEndpointAsync(Http, """{"Network":"ev-net","Name":"loose"}""");
        using (var deleted = await Http.DeleteAsync("/cnm/v1/endpoints/" + loose.GetProperty("Id").GetString()))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        var disconnect = await fixture.Docker.RunAsync("network", "disconnect", "ev-net", "ev0c0nta1ner");
        Assert.True(disconnect.ExitCode == 0, disconnect.ToString());
        var removed = await fixture.Docker.RunAsync("network", "rm", "ev-net");
        Assert.True(removed.ExitCode == 0, removed.ToString());

        var lines = await live.WaitForLinesAsync(4, TimeSpan.FromSeconds(20));
        var attributes = $$"""{"name":"ev-net","type":"{{DaemonFixture.MockPlugin}}"}""";
        var withContainer = $$"""{"container":"ev0c0nta1ner","name":"ev-net","type":"{{DaemonFixture.MockPlugin}}"}""";
        Assert.Equal(
        [
            $"network create {id} {attributes}",
            $"network connect {id} {withContainer}",
            $"network disconnect {id} {withContainer}",
            $"network destroy {id} {attributes}",
        ], lines.Take(4));

        // The same four from the kept events: a window in the past ends by itself; filters by event and network.
        var end = DateTimeOffset.UtcNow.AddSeconds(1);
        await Task.Delay(TimeSpan.FromMilliseconds(1100));
        var past = await fixture.Docker.RunAsync("events", "--since", Timestamp(start), "--until", Timestamp(end),
            "--filter", "type=network", "--filter", "network=" + id[..12], "--format", "{{json .}}");
        Assert.True(past.ExitCode == 0, past.ToString());
        var messages = past.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["create", "connect", "disconnect", "destroy"], messages.Select(m => m.GetProperty("Action").GetString()));
        foreach (var m in messages)
        {
            Assert.Equal("network", m.GetProperty("Type").GetString());
            Assert.Equal(id, m.GetProperty("Actor").GetProperty("ID").GetString());
            Assert.Equal("local", m.GetProperty("scope").GetString());
            var nanos = m.GetProperty("timeNano").GetInt64();
            Assert.Equal(nanos / 1_000_000_000, m.GetProperty("time").GetInt64());
            Assert.InRange(nanos, start.ToUnixTimeMilliseconds() * 1_000_000, end.ToUnixTimeMilliseconds() * 1_000_000);
        }

        var connects = await fixture.Docker.RunAsync("events", "--since", Timestamp(start), "--until", Timestamp(end),
            "--filter", "event=connect", "--filter", "network=ev-net", "--format", "{{.Action}} {{index .Actor.Attributes \"container\"}}");
        Assert.True(connects.ExitCode == 0, connects.ToString());
        Assert.Equal("connect ev0c0nta1ner", connects.Stdout.Trim());
    }

    [Fact]
    public async Task SandboxDelete_OfAConnectedSandbox_EmitsDisconnect()
    {
        var start = DateTimeOffset.UtcNow.AddSeconds(-1);
        var id = await NativeEndpointTests.CreateNetworkAsync(Http, "ev-sbx", DaemonFixture.MockPlugin);
        await NativeEndpointTests.CreateSandboxAsync(Http, "ev5andb0x");
        var connect = await fixture.Docker.RunAsync("network", "connect", "ev-sbx", "ev5andb0x");
        Assert.True(connect.ExitCode == 0, connect.ToString());
        using (var deleted = await Http.DeleteAsync("/cnm/v1/sandboxes/ev5andb0x"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        var end = DateTimeOffset.UtcNow.AddSeconds(1);
        await Task.Delay(TimeSpan.FromMilliseconds(1100));
        var past = await fixture.Docker.RunAsync("events", "--since", Timestamp(start), "--until", Timestamp(end),
            "--filter", "network=" + id, "--format", "{{.Action}} {{index .Actor.Attributes \"container\"}}");
        Assert.True(past.ExitCode == 0, past.ToString());
        Assert.Equal(["create", "connect ev5andb0x", "disconnect ev5andb0x"],
            past.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()));
    }

    [Theory]
    [InlineData("since=yesterday", "invalid value for since: \"yesterday\"")]
    [InlineData("until=12.x", "invalid value for until: \"12.x\"")]
    [InlineData("until=99999999999999", "invalid value for until: \"99999999999999\": the time is out of range")]
    [InlineData("since=200&until=100", "`since` time (200) cannot be after `until` time (100)")]
    [InlineData("filters=%7B%22type%22%3A%7B%22netwrok%22%3Atrue%7D%7D", "invalid filter 'type=netwrok'")]
    [InlineData("filters=%7B%22event%22%3A%7B%22conect%22%3Atrue%7D%7D", "invalid filter 'event=conect'")]
    [InlineData("filters=%7B%22scope%22%3A%7B%22planet%22%3Atrue%7D%7D", "invalid filter 'scope=planet'")]
    [InlineData("filters=%7B%22colour%22%3A%7B%22red%22%3Atrue%7D%7D", "invalid filter 'colour'")]
    [InlineData("filters=%5B1%5D", "invalid filters")]
    public async Task Events_BadParameter_400NamingIt(string query, string message)
    {
        using var response = await Http.GetAsync("/events?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("message").GetString()!;
        Assert.Contains(message, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DockerEvents_BadFilter_CliExitsNonZeroWithTheMessage()
    {
        var result = await fixture.Docker.RunAsync("events", "--filter", "event=conect");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("invalid filter 'event=conect'", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenStream_DaemonStops_StreamEndsAndStopIsPrompt_RestoredNetworksEmitNothing()
    {
        using var layout = new DaemonLayout("cnmd-events");
        string id;
        using (var first = DaemonProcess.Start(layout.Args))
        {
            await first.WaitReadyAsync();
            using var http = DaemonFixture.CreateClient(layout.Socket);
            id = await NativeEndpointTests.CreateNetworkAsync(http, "ev-restart", "null");
            using var stream = await http.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
            var body = stream.Content.ReadAsStringAsync();

            // Well under the host's 30 s shutdown timeout, which an open stream would otherwise hold cnmd for.
            Assert.Equal(0, await first.TerminateAsync(TimeSpan.FromSeconds(15)));
            Assert.Equal("", await body.WaitAsync(TimeSpan.FromSeconds(5)));
        }

        using var second = DaemonProcess.Start(layout.Args);
        await second.WaitReadyAsync();
        using var client = DaemonFixture.CreateClient(layout.Socket);
        var since = DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds();
        // Until a moment from now, so that anything published at start-up would be in it.
        Assert.Equal("", await client.GetStringAsync($"/events?since={since}&until={DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1}"));

        using (var deleted = await client.DeleteAsync("/networks/ev-restart"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        var deadline = DateTime.UtcNow.AddSeconds(10);
        string events;
        do
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100));
            events = await client.GetStringAsync($"/events?since={since}&until={DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1}.0");
        }
        while (events.Length == 0 && DateTime.UtcNow < deadline);

        var message = JsonDocument.Parse(events.Split('\n', StringSplitOptions.RemoveEmptyEntries).Single()).RootElement;
        Assert.Equal("destroy", message.GetProperty("Action").GetString());
        Assert.Equal(id, message.GetProperty("Actor").GetProperty("ID").GetString());
        Assert.Equal("ev-restart", message.GetProperty("Actor").GetProperty("Attributes").GetProperty("name").GetString());
    }

    private DockerEventsProcess StartDockerEvents(params string[] args)
    {
        var info = new ProcessStartInfo(DockerCli.Binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])["-H", "unix://" + fixture.SocketPath, "events", .. args])
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Remove("DOCKER_HOST");
        info.Environment.Remove("DOCKER_CONTEXT");
        info.Environment.Remove("DOCKER_API_VERSION");
        info.Environment["DOCKER_CONFIG"] = fixture.Temp.CreateDirectory("docker-config-events");
        return new DockerEventsProcess(Process.Start(info)!);
    }

    /// <summary>A running <c>docker events</c>: its output lines as they come; ended by its PID when disposed.</summary>
    private sealed class DockerEventsProcess : IDisposable
    {
        private readonly Process _process;
        private readonly List<string> _lines = [];
        private readonly StringBuilder _stderr = new();

        public DockerEventsProcess(Process process)
        {
            _process = process;
            _process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is { Length: > 0 } line)
                {
                    lock (_lines)
                    {
                        _lines.Add(line);
                    }
                }
            };
            _process.ErrorDataReceived += (_, e) =>
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public async Task<List<string>> WaitForLinesAsync(int count, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                lock (_lines)
                {
                    if (_lines.Count >= count)
                    {
                        return [.. _lines];
                    }

                    if (DateTime.UtcNow > deadline || _process.HasExited)
                    {
                        Assert.Fail($"docker events gave {_lines.Count} of {count} lines: {string.Join(" | ", _lines)}; stderr: {_stderr}");
                    }
                }

                await Task.Delay(TimeSpan.FromMilliseconds(50));
            }
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit();
            }

            _process.Dispose();
        }
    }
}
