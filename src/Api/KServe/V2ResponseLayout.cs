namespace OrleansInference.Api.KServe;

/// <summary>How a written v2 response body is laid out.</summary>
/// <param name="JsonLength">Bytes of JSON at the start of the body.</param>
/// <param name="BinaryLength">Bytes of binary tensor data after the JSON.</param>
/// <param name="HasBinaryData">
/// Whether any output was written as binary data. When true, answer with <c>Content-Type: application/octet-stream</c>
/// and <c>Inference-Header-Content-Length: <see cref="JsonLength"/></c>.
/// </param>
public readonly record struct V2ResponseLayout(long JsonLength, long BinaryLength, bool HasBinaryData)
{
    /// <summary>The whole body's length.</summary>
    public long TotalLength => JsonLength + BinaryLength;
}
