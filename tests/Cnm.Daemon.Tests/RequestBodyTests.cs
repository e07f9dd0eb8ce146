using System.Net;
using System.Text;
using System.Text.Json;

namespace Cnm.Daemon.Tests;

/// <summary>
/// Request bodies are read into one rented chunk of 16 KiB and spill into a growing buffer beyond it, up to the 1 MiB cap:
/// a body that spans several chunks, or comes chunked without a length, arrives whole; one over the cap is a 400.
/// </summary>
public sealed class RequestBodyTests(DaemonFixture fixture) : IClassFixture<DaemonFixture>
{
    private HttpClient Http => fixture.Http;

    private static string CreateBody(string name, int labelLength) =>
        $$$"""{"Name":"{{{name}}}","Driver":"mockp","Labels":{"big":"{{{new string('x', labelLength - 1)}}}y"}}""";

    private async Task<string> LabelOfAsync(string name)
    {
        using var doc = JsonDocument.Parse(await Http.GetStringAsync($"/networks/{name}"));
        return doc.RootElement.GetProperty("Labels").GetProperty("big").GetString()!;
    }

    [Theory]
    [InlineData(16 * 1024 - 60)] // the whole body just under one chunk
    [InlineData(16 * 1024)] // a body a little over one chunk
    [InlineData(40_000)] // three chunks
    public async Task NetworkCreate_BodyOfOneOrSeveralChunks_ArrivesWhole(int labelLength)
    {
        var name = $"rb-{labelLength}";
        using var content = new StringContent(CreateBody(name, labelLength), Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync("/networks/create", content);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var label = await LabelOfAsync(name);
        Assert.Equal(labelLength, label.Length);
        Assert.EndsWith("xy", label, StringComparison.Ordinal);
        using var deleted = await Http.DeleteAsync($"/networks/{name}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }

    [Fact]
    public async Task NetworkCreate_ChunkedBodyWithoutLength_ArrivesWhole()
    {
        var bytes = Encoding.UTF8.GetBytes(CreateBody("rb-chunked", 20_000));
        using var content = new StreamContent(new UnknownLengthStream(bytes));
        content.Headers.ContentType = new("application/json");
        using var response = await Http.PostAsync("/networks/create", content);
        Assert.Null(content.Headers.ContentLength);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(20_000, (await LabelOfAsync("rb-chunked")).Length);
        using var deleted = await Http.DeleteAsync("/networks/rb-chunked");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task NetworkCreate_BodyOverOneMiB_400AndNothingCreated(bool withLength)
    {
        var bytes = Encoding.UTF8.GetBytes(CreateBody("rb-huge", (1 << 20) + 1));
        using HttpContent content = withLength ? new ByteArrayContent(bytes) : new StreamContent(new UnknownLengthStream(bytes));
        content.Headers.ContentType = new("application/json");
        using var response = await Http.PostAsync("/networks/create", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("request body is larger than 1048576 bytes (1 MiB)", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var inspect = await Http.GetAsync("/networks/rb-huge");
        Assert.Equal(HttpStatusCode.NotFound, inspect.StatusCode);
    }

    /// <summary>A network create body of exactly <paramref name="total"/> bytes: the label takes what the rest leaves.</summary>
    private static byte[] BodyOfLength(string name, int total) =>
        Encoding.UTF8.GetBytes(CreateBody(name, total - Encoding.UTF8.GetByteCount(CreateBody(name, 1)) + 1));

    [Theory]
    [InlineData(16 * 1024, true)] // exactly one chunk: the read that fills it is followed by one that finds the end
    [InlineData(1 << 20, true)] // exactly the cap
    [InlineData(1 << 20, false)]
    public async Task NetworkCreate_BodyOfExactlyOneChunkOrTheCap_Accepted(int total, bool withLength)
    {
        var name = $"rb-exact-{total}-{withLength}";
        var bytes = BodyOfLength(name, total);
        Assert.Equal(total, bytes.Length);
        using HttpContent content = withLength ? new ByteArrayContent(bytes) : new StreamContent(new UnknownLengthStream(bytes));
        content.Headers.ContentType = new("application/json");
        using var response = await Http.PostAsync("/networks/create", content);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var deleted = await Http.DeleteAsync($"/networks/{name}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)] // refused by the read loop, not by the declared length
    public async Task NetworkCreate_BodyOneByteOverTheCap_400(bool withLength)
    {
        var bytes = BodyOfLength("rb-over", (1 << 20) + 1);
        using HttpContent content = withLength ? new ByteArrayContent(bytes) : new StreamContent(new UnknownLengthStream(bytes));
        content.Headers.ContentType = new("application/json");
        using var response = await Http.PostAsync("/networks/create", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("request body is larger than 1048576 bytes (1 MiB)", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>A stream that does not tell its length, so HttpClient sends it chunked; it hands out at most 7,000 bytes a read.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => base.Position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 7_000));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 7_000)], cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            base.ReadAsync(buffer, offset, Math.Min(count, 7_000), cancellationToken);
    }
}
