using System.Net;
using System.Text;
using System.Text.Json;

namespace Cnm.Daemon.Tests;

/// <summary>
/// cnmd frames its JSON answers as dockerd's Go server does (spec/daemon-api.md, "Framing"): the value and a newline
/// (Go's json.Encoder), with a Content-Length when the body fits Go's 2048-byte buffer, chunked when it does not; errors
/// carry the same Api-Version, Ostype and Server headers as any other answer.
/// </summary>
public sealed class ResponseFramingTests(DaemonFixture fixture) : IClassFixture<DaemonFixture>
{
    private const int GoBufferBeforeChunking = 2048;

    private HttpClient Http => fixture.Http;

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<byte[]> BodyAsync(HttpResponseMessage response) => await response.Content.ReadAsByteArrayAsync();

    // The header as it came: HttpContent.Headers.ContentLength computes a length of its own once the body is buffered.
    private static long? SentContentLength(HttpResponseMessage response) =>
        response.Content.Headers.NonValidated.TryGetValues("Content-Length", out var values) ? long.Parse(values.ToString(), System.Globalization.CultureInfo.InvariantCulture) : null;

    private static void AssertGoFraming(HttpResponseMessage response, byte[] body)
    {
        Assert.Equal((byte)'\n', body[^1]);
        Assert.Contains(body[^2], "}]"u8.ToArray());
        if (body.Length <= GoBufferBeforeChunking)
        {
            Assert.Equal(body.Length, SentContentLength(response));
            Assert.NotEqual(true, response.Headers.TransferEncodingChunked);
        }
        else
        {
            Assert.Null(SentContentLength(response));
            Assert.True(response.Headers.TransferEncodingChunked);
        }
    }

    [Fact]
    public async Task NetworkCreate_SmallAnswer_HasContentLengthAndGosTrailingNewline()
    {
        using var response = await Http.PostAsync("/v1.41/networks/create", Json("""{"Name":"frame-small","Driver":"mockp"}"""));
        var body = await BodyAsync(response);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(body.Length, SentContentLength(response));
        Assert.NotEqual(true, response.Headers.TransferEncodingChunked);
        Assert.EndsWith("\"Warning\":\"\"}\n", Encoding.UTF8.GetString(body), StringComparison.Ordinal);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.ToString());
    }

    [Theory]
    [InlineData("POST", "/v1.41/networks/create", """{"Name":"frame-dup","Driver":"mockp"}""", HttpStatusCode.Conflict)]
    [InlineData("GET", "/v1.41/networks/frame-none", null, HttpStatusCode.NotFound)]
    [InlineData("GET", "/v1.41/nothing-here", null, HttpStatusCode.NotFound)]
    [InlineData("GET", "/v9.99/networks", null, HttpStatusCode.BadRequest)]
    public async Task ErrorAnswer_HasTheHeadersOfEveryAnswer_AndContentLength(string method, string path, string? body, HttpStatusCode expected)
    {
        if (expected == HttpStatusCode.Conflict)
        {
            using var first = await Http.PostAsync(path, Json(body!));
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        }

        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = body is null ? null : Json(body) };
        using var response = await Http.SendAsync(request);
        var bytes = await BodyAsync(response);
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("1.47", Assert.Single(response.Headers.GetValues("Api-Version")));
        Assert.Equal("linux", Assert.Single(response.Headers.GetValues("Ostype")));
        Assert.Equal("cnmd", Assert.Single(response.Headers.GetValues("Server")));
        AssertGoFraming(response, bytes);
        Assert.False(string.IsNullOrEmpty(JsonDocument.Parse(bytes).RootElement.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task NetworkInspect_AroundGosBuffer_ContentLengthUpTo2048Bytes_ChunkedAbove()
    {
        // A label whose value grows by one byte per network walks the inspect answer across the 2048-byte line.
        using (var probe = await Http.PostAsync("/networks/create", Json("""{"Name":"frame-p00","Driver":"mockp","Labels":{"k":"x"}}""")))
        {
            Assert.Equal(HttpStatusCode.Created, probe.StatusCode);
        }

        var baseLength = (await Http.GetByteArrayAsync("/networks/frame-p00")).Length;
        var sizes = new List<int>();
        for (var i = 1; i <= 12; i++)
        {
            var name = $"frame-p{i:00}";
            var value = new string('x', 1 + GoBufferBeforeChunking - baseLength + i - 6);
            using (var created = await Http.PostAsync("/networks/create", Json($$$"""{"Name":"{{{name}}}","Driver":"mockp","Labels":{"k":"{{{value}}}"}}""")))
            {
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            }

            using var response = await Http.GetAsync($"/networks/{name}");
            var body = await BodyAsync(response);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            AssertGoFraming(response, body);
            Assert.Equal(value, JsonDocument.Parse(body).RootElement.GetProperty("Labels").GetProperty("k").GetString());
            sizes.Add(body.Length);
        }

        // Both sides of the line, and the line itself, were crossed.
        Assert.Contains(sizes, s => s < GoBufferBeforeChunking);
        Assert.Contains(sizes, s => s > GoBufferBeforeChunking);
    }
}
