using System.Buffers;

namespace Cnm.Plugins.Client;

/// <summary>Reads a whole response body, but never more than a limit.</summary>
internal static class BoundedRead
{
    private const int ChunkSize = 8 * 1024;

    /// <summary>
    /// The body bytes, or null when it holds more than <paramref name="limit"/> bytes. With a known
    /// length (the common case) the bytes land in one exact-size array.
    /// </summary>
    public static async Task<byte[]?> ReadAllAsync(Stream stream, long? declaredLength, long limit,
        CancellationToken cancellationToken)
    {
        if (declaredLength is long length && length <= limit)
        {
            var exact = new byte[length];
            var read = await stream.ReadAtLeastAsync(exact, exact.Length, throwOnEndOfStream: false, cancellationToken)
                .ConfigureAwait(false);
            if (read < exact.Length)
            {
                throw new IOException($"the response ended after {read} of {length} bytes");
            }

            return exact;
        }

        var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            using var buffer = new MemoryStream();
            int n;
            while ((n = await stream.ReadAsync(chunk.AsMemory(0, ChunkSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + n > limit)
                {
                    return null;
                }

                buffer.Write(chunk, 0, n);
            }

            return buffer.ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }
}
