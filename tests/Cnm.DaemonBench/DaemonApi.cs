using System.Text;
using System.Text.Json;

namespace Cnm.DaemonBench;

/// <summary>The requests the client makes: Docker API v1.41 paths, and cnmd's native endpoint routes.</summary>
internal static class DaemonApi
{
    private const string Version = "/v1.41";

    public static async Task PingAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/_ping", UriKind.Relative)).ConfigureAwait(false);
        await EnsureAsync(response, "GET /_ping").ConfigureAwait(false);
    }

    /// <summary><c>POST /networks/create</c> with <paramref name="driver"/> as network driver and IPAM; returns the id.</summary>
    public static async Task<string> CreateNetworkAsync(HttpClient client, string name, string driver)
    {
        var body = $$$"""{"Name":"{{{name}}}","CheckDuplicate":true,"Driver":"{{{driver}}}","IPAM":{"Driver":"{{{driver}}}","Config":[],"Options":{}},"Internal":false,"Attachable":false,"Ingress":false,"Options":{},"Labels":{}}""";
        return await PostForIdAsync(client, Version + "/networks/create", body).ConfigureAwait(false);
    }

    public static Task DeleteNetworkAsync(HttpClient client, string idOrName) => DeleteAsync(client, $"{Version}/networks/{idOrName}");

    public static Task<string> CreateSandboxAsync(HttpClient client, string containerId) =>
        PostForIdAsync(client, "/cnm/v1/sandboxes", $$"""{"ContainerId":"{{containerId}}"}""");

    public static Task DeleteSandboxAsync(HttpClient client, string id) => DeleteAsync(client, "/cnm/v1/sandboxes/" + id);

    public static Task<string> CreateEndpointAsync(HttpClient client, string network, string name) =>
        PostForIdAsync(client, "/cnm/v1/endpoints", $$"""{"Network":"{{network}}","Name":"{{name}}"}""");

    public static Task JoinAsync(HttpClient client, string endpoint, string sandbox) =>
        PostAsync(client, $"/cnm/v1/endpoints/{endpoint}/join", $$"""{"Sandbox":"{{sandbox}}"}""");

    public static Task LeaveAsync(HttpClient client, string endpoint) => PostAsync(client, $"/cnm/v1/endpoints/{endpoint}/leave", null);

    public static Task DeleteEndpointAsync(HttpClient client, string endpoint) => DeleteAsync(client, "/cnm/v1/endpoints/" + endpoint);

    private static async Task<string> PostForIdAsync(HttpClient client, string path, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri(path, UriKind.Relative), content).ConfigureAwait(false);
        var bytes = await EnsureAsync(response, "POST " + path).ConfigureAwait(false);
        using var document = JsonDocument.Parse(bytes);
        return document.RootElement.GetProperty("Id").GetString() ?? throw new InvalidOperationException($"POST {path}: no Id");
    }

    private static async Task PostAsync(HttpClient client, string path, string? body)
    {
        using var content = new StringContent(body ?? "", Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri(path, UriKind.Relative), body is null ? null : content).ConfigureAwait(false);
        await EnsureAsync(response, "POST " + path).ConfigureAwait(false);
    }

    private static async Task DeleteAsync(HttpClient client, string path)
    {
        using var response = await client.DeleteAsync(new Uri(path, UriKind.Relative)).ConfigureAwait(false);
        await EnsureAsync(response, "DELETE " + path).ConfigureAwait(false);
    }

    /// <summary>Reads the whole body (so the connection is reused); throws with it when the status is not a success.</summary>
    private static async Task<byte[]> EnsureAsync(HttpResponseMessage response, string what)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        return response.IsSuccessStatusCode ? bytes
            : throw new HttpRequestException($"{what}: {(int)response.StatusCode} {Encoding.UTF8.GetString(bytes)}");
    }
}
