namespace Cnm.Plugins.Client;

/// <summary>Reads a whole stream, but never more than a limit.</summary>
internal static class BoundedRead
{
    /// <summary>The bytes of the stream, or null when it holds more than <paramref name="limit"/> bytes.</summary>
    public static async Task<byte[]?> ReadAllAsync(Stream stream, long limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
