using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Cnm.Daemon.Tests;

/// <summary>
/// dockerd's CheckForJSON on the network routes with a body (create, connect, disconnect): no Content-Type only
/// without a body, otherwise <c>application/json</c> with any parameters; anything else is a 400 naming it.
/// </summary>
public sealed class ContentTypeTests(DaemonFixture fixture) : IClassFixture<DaemonFixture>
{
    private HttpClient Http => fixture.Http;

    private static ByteArrayContent Content(string body, string? contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        return content;
    }

    private async Task<(HttpStatusCode Status, string Message)> PostAsync(string path, string body, string? contentType)
    {
        using var response = await Http.PostAsync(path, Content(body, contentType));
        var text = await response.Content.ReadAsStringAsync();
        var message = text.Length > 0 && JsonDocument.Parse(text).RootElement is { ValueKind: JsonValueKind.Object } root
            && root.TryGetProperty("message", out var m) ? m.GetString()! : text;
        return (response.StatusCode, message);
    }

    private async Task<string[]> NetworkNamesAsync() =>
        [.. JsonDocument.Parse(await Http.GetStringAsync("/networks")).RootElement.EnumerateArray().Select(n => n.GetProperty("Name").GetString()!)];

    private async Task<string> CreateSandboxAsync(string containerId)
    {
        var (status, _) = await PostAsync("/cnm/v1/sandboxes", $$"""{"ContainerId":"{{containerId}}"}""", "application/json");
        Assert.Equal(HttpStatusCode.Created, status);
        return containerId;
    }

    [Theory]
    [InlineData("/v1.41/networks/create", """{"Name":"ct-plain","Driver":"mockp"}""")]
    [InlineData("/networks/ct-any/connect", """{"Container":"ct-any"}""")]
    [InlineData("/v1.47/networks/ct-any/disconnect", """{"Container":"ct-any"}""")]
    public async Task NetworkRoute_TextPlainBody_400NamingTheContentType(string path, string body)
    {
        var (status, message) = await PostAsync(path, body, "text/plain; charset=utf-8");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Content-Type specified (text/plain; charset=utf-8) must be 'application/json'", message);
        Assert.DoesNotContain("ct-plain", await NetworkNamesAsync());
    }

    [Theory]
    [InlineData("/networks/create", """{"Name":"ct-none","Driver":"mockp"}""")]
    [InlineData("/networks/ct-any/connect", """{"Container":"ct-any"}""")]
    [InlineData("/networks/ct-any/disconnect", """{"Container":"ct-any"}""")]
    public async Task NetworkRoute_BodyWithoutContentType_400NamingTheEmptyContentType(string path, string body)
    {
        var (status, message) = await PostAsync(path, body, contentType: null);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Content-Type specified () must be 'application/json'", message);
        Assert.DoesNotContain("ct-none", await NetworkNamesAsync());
    }

    [Theory]
    [InlineData("/networks/create")]
    [InlineData("/networks/ct-any/connect")]
    [InlineData("/networks/ct-any/disconnect")]
    public async Task NetworkRoute_NoContentTypeAndEmptyBody_PassesTheCheckAndIsRefusedAsEmpty(string path)
    {
        var (status, message) = await PostAsync(path, "", contentType: null);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("request body is empty", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Content-Type", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON")]
    public async Task NetworkRoutes_JsonWithParametersOrOtherCase_CreateConnectDisconnectWork(string contentType)
    {
        var name = "ct-" + Guid.NewGuid().ToString("N")[..10];
        var sandbox = await CreateSandboxAsync(name);
        var created = await PostAsync("/networks/create", $$"""{"Name":"{{name}}","Driver":"{{DaemonFixture.MockPlugin}}"}""", contentType);
        Assert.True(created.Status == HttpStatusCode.Created, $"{created.Status}: {created.Message}");
        Assert.Contains(name, await NetworkNamesAsync());

        var connected = await PostAsync($"/networks/{name}/connect", $$"""{"Container":"{{sandbox}}"}""", contentType);
        Assert.True(connected.Status == HttpStatusCode.OK, $"{connected.Status}: {connected.Message}");
        var network = JsonDocument.Parse(await Http.GetStringAsync($"/networks/{name}")).RootElement;
        Assert.Single(network.GetProperty("Containers").EnumerateObject());

        var disconnected = await PostAsync($"/networks/{name}/disconnect", $$"""{"Container":"{{sandbox}}"}""", contentType);
        Assert.True(disconnected.Status == HttpStatusCode.OK, $"{disconnected.Status}: {disconnected.Message}");
        network = JsonDocument.Parse(await Http.GetStringAsync($"/networks/{name}")).RootElement;
        Assert.Empty(network.GetProperty("Containers").EnumerateObject());

        using var deleted = await Http.DeleteAsync($"/networks/{name}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var sandboxDeleted = await Http.DeleteAsync($"/cnm/v1/sandboxes/{sandbox}");
        Assert.Equal(HttpStatusCode.NoContent, sandboxDeleted.StatusCode);
    }

    [Fact]
    public async Task NativeSandboxCreate_FormContentType_StillAccepted()
    {
        // The native API keeps accepting any Content-Type: the README's curl -d examples send form encoding.
        var name = "ct-" + Guid.NewGuid().ToString("N")[..10];
        var (status, message) = await PostAsync("/cnm/v1/sandboxes", $$"""{"ContainerId":"{{name}}"}""", "application/x-www-form-urlencoded");
        Assert.True(status == HttpStatusCode.Created, $"{status}: {message}");
        using var deleted = await Http.DeleteAsync($"/cnm/v1/sandboxes/{name}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }
}
