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
            "br" => new BrotliStream(request.Body, CompressionMode.Decompress, leaveOpen: true),
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
