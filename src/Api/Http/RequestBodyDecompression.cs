using System.IO.Compression;
using Microsoft.AspNetCore.RequestDecompression;
using Microsoft.Net.Http.Headers;

namespace OrleansInference.Api.Http;

/// <summary>
/// Decodes request bodies sent with <c>Content-Encoding: gzip</c>, <c>deflate</c> (zlib, as HTTP means it and as
/// Triton's clients send it) or <c>br</c>, for ASP.NET Core's request decompression middleware. The decoded body is
/// read as a stream, so every reader's size limit (<see cref="RequestBodyReader"/>: <c>Api:MaxRequestBodyBytes</c>)
/// bounds the decompressed size as it is read; the compressed <c>Content-Length</c> is dropped, since it no longer
/// describes the body. Corrupt data surfaces as <see cref="InvalidDataException"/> on read (a 400).
/// </summary>
internal sealed class RequestBodyDecompression : IRequestDecompressionProvider
{
    public Stream? GetDecompressionStream(HttpContext context)
    {
        var request = context.Request;
        var encodings = request.Headers.ContentEncoding;
        if (encodings.Count != 1)
        {
            return null;
        }

        Stream? decoded = encodings[0]?.Trim().ToLowerInvariant() switch
        {
            "gzip" or "x-gzip" => new GZipStream(request.Body, CompressionMode.Decompress, leaveOpen: true),
            "deflate" => new ZLibStream(request.Body, CompressionMode.Decompress, leaveOpen: true),
            // Brotli reports corrupt data as InvalidOperationException; the guard makes it the 400 the others give.
            "br" => new CorruptBrotliGuard(new BrotliStream(request.Body, CompressionMode.Decompress, leaveOpen: true)),
            _ => null,
        };
        if (decoded is not null)
        {
            request.Headers.Remove(HeaderNames.ContentEncoding);
            request.ContentLength = null;
        }

        return decoded;
    }
}

/// <summary>Turns Brotli's <see cref="InvalidOperationException"/> for corrupt input into <see cref="InvalidDataException"/>.</summary>
internal sealed class CorruptBrotliGuard(Stream inner) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        try
        {
            return inner.Read(buffer, offset, count);
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidDataException($"The br (Brotli) body is corrupt: {ex.Message}", ex);
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await inner.ReadAsync(buffer, cancellationToken);
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidDataException($"The br (Brotli) body is corrupt: {ex.Message}", ex);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
