using System.Buffers;
using System.Text;
using OrleansInference.Api.KServe;

namespace OrleansInference.Api.Tests.KServe;

/// <summary>Builds v2 request bodies and reads them, failing with the codec's message.</summary>
internal static class V2TestBodies
{
    public static V2InferRequest ReadOk(string json)
    {
        var result = V2InferRequestReader.Read(Encoding.UTF8.GetBytes(json));
        Assert.True(result.IsSuccess, result.Error?.Message);
        return result.Request!;
    }

    public static string ReadError(string json)
    {
        var result = V2InferRequestReader.Read(Encoding.UTF8.GetBytes(json));
        Assert.False(result.IsSuccess, "The body was accepted but should have been rejected: " + json);
        return result.Error!.Message;
    }

    public static string Input(string name, string datatype, string shape, string data) =>
        $$"""{"inputs":[{"name":"{{name}}","shape":{{shape}},"datatype":"{{datatype}}","data":{{data}}}]}""";

    /// <summary>A JSON header followed by binary data, and the header's length.</summary>
    public static (byte[] Body, long HeaderLength) WithBinary(string json, params byte[][] binary)
    {
        var header = Encoding.UTF8.GetBytes(json);
        var body = new List<byte>(header);
        foreach (var part in binary)
        {
            body.AddRange(part);
        }

        return (body.ToArray(), header.Length);
    }

    /// <summary>The body split into segments of <paramref name="segmentLength"/> bytes.</summary>
    public static ReadOnlySequence<byte> Segmented(byte[] body, int segmentLength)
    {
        Segment? first = null;
        Segment? last = null;
        for (var offset = 0; offset < body.Length; offset += segmentLength)
        {
            var chunk = body.AsMemory(offset, Math.Min(segmentLength, body.Length - offset));
            if (first is null)
            {
                first = last = new Segment(chunk, 0);
            }
            else
            {
                last = last!.Append(chunk);
            }
        }

        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    public static byte[] LengthPrefixed(params string[] values)
    {
        var bytes = new List<byte>();
        foreach (var value in values)
        {
            var utf8 = Encoding.UTF8.GetBytes(value);
            bytes.AddRange(BitConverter.GetBytes((uint)utf8.Length));
            bytes.AddRange(utf8);
        }

        return bytes.ToArray();
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
