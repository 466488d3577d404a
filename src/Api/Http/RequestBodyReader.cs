using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http.Features;

namespace OrleansInference.Api.Http;

/// <summary>
/// Reads a whole request body into a pooled buffer, enforcing a size limit while it streams (413 past it, chunked
/// bodies included): the reader stops at <c>maxBytes</c> and probes for one more byte, failing with its own message.
/// The server's own limit sits <see cref="DrainAllowance"/> above, so after the 413 it can drain the rest of a
/// moderately oversized chunked body and the client reads the answer instead of a broken connection; a body larger
/// still is cut off by the server.
/// </summary>
internal static class RequestBodyReader
{
    /// <summary>How much past the limit the server may still read (and discard) to answer an oversized body cleanly.</summary>
    public const long DrainAllowance = 8L * 1024 * 1024;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<PooledBody> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        var declared = request.ContentLength;
        if (declared > maxBytes)
        {
            RequestBodyLimitMiddleware.AllowDrain(request.HttpContext);
            throw new BodyTooLargeException(declared.Value, maxBytes);
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes + DrainAllowance;
        }

        var buffer = BodyBuffers.Rent((int)Math.Clamp(declared ?? 4096, 256, maxBytes));
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

                    var larger = BodyBuffers.Rent((int)Math.Min((long)buffer.Length * 2, maxBytes));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    BodyBuffers.Return(buffer);
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
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // The server counts what it has buffered, ahead of this reader: the body is past the limit all the same.
            BodyBuffers.Return(buffer);
            throw new BodyTooLargeException(maxBytes + 1, maxBytes);
        }
        catch
        {
            BodyBuffers.Return(buffer);
            throw;
        }
    }
}
