using System.Buffers;
using System.Text;
using System.Text.Json;
using OrleansInference.Api.KServe;
using OrleansInference.Contracts.Inference;
using static OrleansInference.Api.Tests.KServe.V2InferRequestReaderTests;
using static OrleansInference.Api.Tests.KServe.V2TestBodies;

namespace OrleansInference.Api.Tests.KServe;

public sealed class V2BinaryDataTests
{
    private const string TritonExample = """
        {"model_name":"mymodel","inputs":[
          {"name":"input0","shape":[2,2],"datatype":"UINT32","parameters":{"binary_data_size":16}},
          {"name":"input1","shape":[3],"datatype":"BOOL","parameters":{"binary_data_size":3}}],
         "outputs":[{"name":"output0","parameters":{"binary_data":true}}]}
        """;

    [Fact]
    public void Reads_inputs_from_the_binary_part_in_order()
    {
        var (body, headerLength) = WithBinary(TritonExample, Bytes<uint>(1, 2, 3, 4), [1, 0, 1]);

        var result = V2InferRequestReader.Read(body, headerLength);

        Assert.True(result.IsSuccess, result.Error?.Message);
        using var request = result.Request;
        Assert.Equal([1u, 2u, 3u, 4u], request.Request.Inputs[0].AsSpan<uint>().ToArray());
        Assert.Equal([1, 0, 1], request.Request.Inputs[1].Data.ToArray());
        Assert.True(request.WantsBinary("output0"));
    }

    [Fact]
    public void Reads_length_prefixed_bytes_and_mixes_json_and_binary_inputs()
    {
        const string json = """
            {"inputs":[
              {"name":"text","shape":[3],"datatype":"BYTES","parameters":{"binary_data_size":21}},
              {"name":"json","shape":[2],"datatype":"INT16","data":[-1,2]},
              {"name":"raw","shape":[1],"datatype":"FP16","parameters":{"binary_data_size":2}}]}
            """;
        var text = LengthPrefixed("héllo", "", "abc");
        Assert.Equal(21, text.Length);
        var (body, headerLength) = WithBinary(json, text, Bytes((Half)1.5));

        foreach (var sequence in new[] { new ReadOnlySequence<byte>(body), Segmented(body, 5) })
        {
            var result = V2InferRequestReader.Read(sequence, headerLength);

            Assert.True(result.IsSuccess, result.Error?.Message);
            using var request = result.Request;
            Assert.Equal(["héllo", "", "abc"], request.Request.Inputs[0].Strings!);
            Assert.Equal([(short)-1, (short)2], request.Request.Inputs[1].AsSpan<short>().ToArray());
            Assert.Equal([(Half)1.5], request.Request.Inputs[2].AsSpan<Half>().ToArray());
        }
    }

    [Theory]
    [InlineData("UINT32", "[2,2]", 12, 16, "Input 'x' has shape [2,2] of UINT32, which needs 16 bytes, but its 'binary_data_size' is 12.")]
    [InlineData("FP32", "[2]", 16, 8, "Input 'x' has 'binary_data_size' 16, but only 8 bytes of binary data remain after the JSON header.")]
    [InlineData("FP32", "[1]", 4, 8, "The body has 8 bytes after the JSON header, but the inputs' 'binary_data_size' values account for 4.")]
    [InlineData("BOOL", "[2]", 2, 2, "Input 'x' element 1 of BOOL binary data is 7; BOOL elements are one byte, 0 or 1.")]
    public void Binary_sizes_are_validated(string datatype, string shape, int declared, int supplied, string expected)
    {
        var json = $$$"""{"inputs":[{"name":"x","shape":{{{shape}}},"datatype":"{{{datatype}}}","parameters":{"binary_data_size":{{{declared}}}}}]}""";
        var binary = new byte[supplied];
        binary[^1] = 7;
        var (body, headerLength) = WithBinary(json, binary);

        var result = V2InferRequestReader.Read(body, headerLength);

        Assert.False(result.IsSuccess);
        Assert.Equal(expected, result.Error!.Message);
    }

    [Theory]
    [InlineData(new byte[] { 1, 0, 0, 0, (byte)'a', 2, 0 }, 2, "Input 's' binary data ends inside the 4-byte length prefix of element 1.")]
    [InlineData(new byte[] { 9, 0, 0, 0, (byte)'a' }, 1, "Input 's' element 0 declares 9 bytes, but only 1 bytes of its binary data remain.")]
    [InlineData(new byte[] { 1, 0, 0, 0, (byte)'a' }, 2, "Input 's' has shape [2] (2 elements) but 1 element is in its binary data.")]
    [InlineData(new byte[] { 1, 0, 0, 0, 0xFF }, 1, "Input 's' element 0 is not valid UTF-8; BYTES elements are held as text.")]
    public void Binary_bytes_elements_are_validated(byte[] binary, int count, string expected)
    {
        var json = $$$"""{"inputs":[{"name":"s","shape":[{{{count}}}],"datatype":"BYTES","parameters":{"binary_data_size":{{{binary.Length}}}}}]}""";
        var (body, headerLength) = WithBinary(json, binary);

        var result = V2InferRequestReader.Read(body, headerLength);

        Assert.False(result.IsSuccess);
        Assert.Equal(expected, result.Error!.Message);
    }

    [Fact]
    public void Binary_data_needs_the_header_and_excludes_json_data()
    {
        const string withoutData = """{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","parameters":{"binary_data_size":4}}]}""";
        const string withData = """{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1],"parameters":{"binary_data_size":4}}]}""";

        Assert.Equal(
            "Input 'x' has 'binary_data_size' but the request has no Inference-Header-Content-Length header, so its binary data cannot be located.",
            ReadError(withoutData));
        Assert.Equal("Input 'x' gives both 'data' and 'binary_data_size'; give one.", ReadError(withData));
        Assert.Equal(
            "Input 'x' parameter 'binary_data_size' must be a non-negative integer.",
            ReadError(withoutData.Replace("4}", "-4}", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1000L)]
    public void The_header_length_must_lie_within_the_body(long headerLength)
    {
        var body = Encoding.UTF8.GetBytes(Input("x", "FP32", "[1]", "[1]"));

        var result = V2InferRequestReader.Read(body, headerLength);

        Assert.False(result.IsSuccess);
        Assert.Equal(
            $"The Inference-Header-Content-Length header is {headerLength}, but the body has {body.Length} bytes; it must give the length of the JSON part of the body.",
            result.Error!.Message);
    }

    [Fact]
    public void Writes_requested_outputs_as_binary_after_the_json()
    {
        var (requestBody, requestHeader) = WithBinary(TritonExample, Bytes<uint>(1, 2, 3, 4), [1, 0, 1]);
        using var request = V2InferRequestReader.Read(requestBody, requestHeader).Request!;
        float[] values = [1, 2, 3, 4, 5, 6];
        using var output0 = NamedTensor.FromValues<float>("output0", TensorDataType.Float32, [3, 2], values);
        using var ignored = NamedTensor.FromValues<float>("other", TensorDataType.Float32, [1], [9f]);
        var buffer = new ArrayBufferWriter<byte>();

        var layout = V2InferResponseWriter.Write(buffer, "mymodel", "1", null, [output0, ignored], request);

        Assert.True(layout.HasBinaryData);
        Assert.Equal(24, layout.BinaryLength);
        Assert.Equal(buffer.WrittenCount, layout.TotalLength);
        using var header = JsonDocument.Parse(buffer.WrittenMemory[..(int)layout.JsonLength]);
        var output = Assert.Single(header.RootElement.GetProperty("outputs").EnumerateArray());
        Assert.Equal("output0", output.GetProperty("name").GetString());
        Assert.Equal(24, output.GetProperty("parameters").GetProperty("binary_data_size").GetInt64());
        Assert.False(output.TryGetProperty("data", out _));
        Assert.Equal(Bytes(values), buffer.WrittenSpan[(int)layout.JsonLength..].ToArray());
    }

    [Fact]
    public void Request_level_binary_output_applies_unless_an_output_overrides_it()
    {
        const string json = """
            {"parameters":{"binary_data_output":true},"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}],
             "outputs":[{"name":"text"},{"name":"plain","parameters":{"binary_data":false}}]}
            """;
        using var request = ReadOk(json);
        using var text = new NamedTensor("text", [2], ["é", "xyz"]);
        using var plain = NamedTensor.FromValues<int>("plain", TensorDataType.Int32, [1], [7]);
        var buffer = new ArrayBufferWriter<byte>();

        var layout = V2InferResponseWriter.Write(buffer, "m", "1", "id", [text, plain], request);

        using var header = JsonDocument.Parse(buffer.WrittenMemory[..(int)layout.JsonLength]);
        var outputs = header.RootElement.GetProperty("outputs");
        Assert.Equal(13, outputs[0].GetProperty("parameters").GetProperty("binary_data_size").GetInt64());
        Assert.Equal(7, outputs[1].GetProperty("data")[0].GetInt32());
        Assert.Equal(LengthPrefixed("é", "xyz"), buffer.WrittenSpan[(int)layout.JsonLength..].ToArray());

        // The binary response reads back as a binary request.
        var echo = """{"inputs":[{"name":"text","shape":[2],"datatype":"BYTES","parameters":{"binary_data_size":13}}]}""";
        var (body, headerLength) = WithBinary(echo, buffer.WrittenSpan[(int)layout.JsonLength..].ToArray());
        using var again = V2InferRequestReader.Read(body, headerLength).Request!;
        Assert.Equal(["é", "xyz"], again.Request.Inputs[0].Strings!);
    }
}
