using System.Buffers;
using System.Text.Json;

namespace OrleansInference.Api.KServe;

/// <summary>Writes the KServe v2 error body, <c>{"error": "message"}</c>.</summary>
public static class V2ErrorWriter
{
    /// <summary>Writes the error body for <paramref name="message"/>; returns the bytes written.</summary>
    public static long Write(IBufferWriter<byte> output, string message)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(message);
        using var writer = new Utf8JsonWriter(output, V2JsonOptions.Writer);
        writer.WriteStartObject();
        writer.WriteString("error"u8, message);
        writer.WriteEndObject();
        writer.Flush();
        return writer.BytesCommitted;
    }

    /// <summary>Writes the error body for a rejected request; returns the bytes written.</summary>
    public static long Write(IBufferWriter<byte> output, V2CodecError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return Write(output, error.Message);
    }
}
