using System.Buffers;
using System.Runtime.CompilerServices;

namespace OrleansInference.Api.Http;

/// <summary>Reads a whole request body into a pooled buffer, enforcing a size limit (413 past it).</summary>
internal static class RequestBodyReader
{
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<PooledBody> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        var declared = request.ContentLength;
        if (declared > maxBytes)
        {
            throw new BodyTooLargeException(declared.Value, maxBytes);
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(declared ?? 4096, 256, maxBytes));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length >= maxBytes)
                    {
                        // One more byte would exceed the limit: probe before failing so an exact-size body passes.
                        var probe = new byte[1];
                        if (await request.Body.ReadAsync(probe, cancellationToken) > 0)
                        {
                            throw new BodyTooLargeException(length + 1, maxBytes);
                        }

                        break;
                    }

                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, maxBytes));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(length, (int)Math.Min(buffer.Length, maxBytes) - length), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length == declared)
                {
                    // Kestrel never delivers more than Content-Length: skip the read that would only report the end.
                    break;
                }
            }

            return new PooledBody(buffer, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }
}
