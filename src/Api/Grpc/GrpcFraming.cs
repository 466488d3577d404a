using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Google.Protobuf;

namespace OrleansInference.Api.Grpc;

/// <summary>
/// gRPC over HTTP/2 message framing for unary calls: a 1-byte compression flag and a 4-byte big-endian length before
/// each protobuf message; the status travels in the <c>grpc-status</c> and <c>grpc-message</c> trailers.
/// </summary>
internal static class GrpcFraming
{
    public const string ContentType = "application/grpc";

    private const int HeaderLength = 5;

    /// <summary>True when the request claims gRPC (<c>application/grpc</c>, optionally <c>+proto</c>).</summary>
    public static bool IsGrpcRequest(HttpRequest request) =>
        request.ContentType is { } type
        && (type.Equals(ContentType, StringComparison.OrdinalIgnoreCase)
            || type.StartsWith(ContentType + "+proto", StringComparison.OrdinalIgnoreCase)
            || type.StartsWith(ContentType + ";", StringComparison.OrdinalIgnoreCase));

    /// <summary>The one message of a unary request body.</summary>
    public static ReadOnlySpan<byte> ReadSingleMessage(ReadOnlySpan<byte> body)
    {
        if (body.Length < HeaderLength)
        {
            throw new GrpcException(GrpcStatusCode.InvalidArgument, $"The request body has {body.Length} bytes; a gRPC message needs a 5-byte header.");
        }

        if (body[0] != 0)
        {
            throw new GrpcException(GrpcStatusCode.Unimplemented, "Compressed messages are not supported; send grpc-encoding identity.");
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(body[1..]);
        if (length != body.Length - HeaderLength)
        {
            throw new GrpcException(GrpcStatusCode.InvalidArgument,
                $"The message header declares {length} bytes but {body.Length - HeaderLength} follow; unary calls carry exactly one message.");
        }

        return body[HeaderLength..];
    }

    /// <summary>Writes <paramref name="message"/> as the response and an OK status.</summary>
    public static async Task WriteMessageAsync(HttpResponse response, IMessage message, CancellationToken cancellationToken)
    {
        var size = message.CalculateSize();
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        var memory = response.BodyWriter.GetMemory(HeaderLength + size);
        memory.Span[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(memory.Span[1..], (uint)size);
        message.WriteTo(memory.Span.Slice(HeaderLength, size));
        response.BodyWriter.Advance(HeaderLength + size);
        await response.BodyWriter.FlushAsync(cancellationToken);
        response.AppendTrailer("grpc-status", "0");
    }

    /// <summary>Ends the call with <paramref name="status"/>: trailers-only when nothing was written yet.</summary>
    public static void WriteStatus(HttpResponse response, GrpcStatusCode status, string message)
    {
        var code = ((int)status).ToString(CultureInfo.InvariantCulture);
        var encoded = PercentEncode(message);
        if (!response.HasStarted)
        {
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = ContentType;
            response.Headers["grpc-status"] = code;
            response.Headers["grpc-message"] = encoded;
            return;
        }

        response.AppendTrailer("grpc-status", code);
        response.AppendTrailer("grpc-message", encoded);
    }

    /// <summary>Percent-encodes bytes outside printable ASCII and '%', as gRPC's grpc-message requires.</summary>
    internal static string PercentEncode(string message)
    {
        var builder = new StringBuilder(message.Length);
        foreach (var b in Encoding.UTF8.GetBytes(message))
        {
            if (b is >= 0x20 and <= 0x7E and not (byte)'%')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    /// <summary>Parses the <c>grpc-timeout</c> header ("100m", "5S", ...); null when absent or malformed.</summary>
    public static TimeSpan? ParseTimeout(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length < 2 || value.Length > 9
            || !long.TryParse(value.AsSpan(0, value.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            return null;
        }

        return value[^1] switch
        {
            'H' => TimeSpan.FromHours(amount),
            'M' => TimeSpan.FromMinutes(amount),
            'S' => TimeSpan.FromSeconds(amount),
            'm' => TimeSpan.FromMilliseconds(amount),
            'u' => TimeSpan.FromMicroseconds(amount),
            'n' => TimeSpan.FromTicks(amount / 100),
            _ => null,
        };
    }
}
