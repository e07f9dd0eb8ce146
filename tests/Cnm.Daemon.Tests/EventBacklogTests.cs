using System.Net;
using System.Text;
using System.Text.Json;

namespace Cnm.Daemon.Tests;

/// <summary>
/// The events feed while nobody listens (spec/daemon-api.md, "GET /events"): cnmd holds the store's changes back and
/// folds the older ones once more than a thousand are held, and a client that comes later with <c>since</c> still gets
/// the last 256 events, in order, as a client listening all along would have seen them.
/// </summary>
public sealed class EventBacklogTests(DaemonFixture fixture) : IClassFixture<DaemonFixture>
{
    private const int Networks = 600;

    [Fact]
    public async Task Since_AfterManyChangesWithNoListener_LastKeptEventsInOrder()
    {
        var http = fixture.Http;
        var since = DateTimeOffset.UtcNow.AddSeconds(-1).ToUnixTimeSeconds();
        var ids = new List<string>();
        for (var i = 0; i < Networks; i++)
        {
            using var created = await http.PostAsync("/networks/create",
                new StringContent($$$"""{"Name":"backlog-{{{i}}}","Driver":"{{{DaemonFixture.MockPlugin}}}","IPAM":{"Driver":"null"}}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            ids.Add(JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("Id").GetString()!);
        }

        foreach (var id in ids)
        {
            using var deleted = await http.DeleteAsync("/networks/" + id);
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        // The watch delivers the last delete a moment after it was answered: ask until it is among the kept events.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        List<JsonElement> events;
        do
        {
            var until = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1;
            var text = await http.GetStringAsync($"/events?since={since}&until={until}&filters=%7B%22type%22%3A%5B%22network%22%5D%7D");
            events = [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement)];
            if (events.Count > 0 && events[^1].GetProperty("Actor").GetProperty("ID").GetString() == ids[^1])
            {
                break;
            }

            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Equal(256, events.Count);
        var expected = ids[(Networks - 256)..];
        Assert.Equal(expected, events.Select(e => e.GetProperty("Actor").GetProperty("ID").GetString()));
        Assert.All(events, e => Assert.Equal("destroy", e.GetProperty("Action").GetString()));
        Assert.Equal([.. expected.Select(id => "backlog-" + ids.IndexOf(id))],
            events.Select(e => e.GetProperty("Actor").GetProperty("Attributes").GetProperty("name").GetString()));
    }
}
