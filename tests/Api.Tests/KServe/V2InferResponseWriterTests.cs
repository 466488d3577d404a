using System.Buffers;
using System.Text;
using System.Text.Json;
using OrleansInference.Api.KServe;
using OrleansInference.Contracts.Inference;
using static OrleansInference.Api.Tests.KServe.V2InferRequestReaderTests;
using static OrleansInference.Api.Tests.KServe.V2TestBodies;

namespace OrleansInference.Api.Tests.KServe;

public sealed class V2InferResponseWriterTests
{
    [Theory]
    [MemberData(nameof(EveryDatatype), MemberType = typeof(V2InferRequestReaderTests))]
    public void Every_datatype_round_trips_through_a_response(string datatype, string[] tokens, byte[] expected)
    {
        using var request = ReadOk(Input("x", datatype, "[2,2]", $"[[{tokens[0]},{tokens[1]}],[{tokens[2]},{tokens[3]}]]"));
        var input = request.Request.Inputs[0];

        var (json, _) = WriteJson([input]);

        using var response = JsonDocument.Parse(json);
        var output = response.RootElement.GetProperty("outputs")[0];
        Assert.Equal(datatype, output.GetProperty("datatype").GetString());
        Assert.Equal("[2,2]", output.GetProperty("shape").GetRawText());
        var data = output.GetProperty("data");
        Assert.Equal(JsonValueKind.Array, data.ValueKind);
        Assert.Equal(4, data.GetArrayLength());
        Assert.All(data.EnumerateArray(), e => Assert.NotEqual(JsonValueKind.Array, e.ValueKind));

        // Reading the response's output back as an input gives the same bytes.
        using var again = ReadOk($$"""{"inputs":[{"name":"x","shape":[2,2],"datatype":"{{datatype}}","data":{{data.GetRawText()}}}]}""");
        Assert.Equal(expected, again.Request.Inputs[0].Data.ToArray());
    }

    [Fact]
    public void Bytes_round_trip_through_a_response()
    {
        using var tensor = new NamedTensor("s", [3], ["a\"b", "日本", "<tag>"]);

        var (json, _) = WriteJson([tensor]);

        Assert.Contains("""["a\"b","日本","<tag>"]""", json, StringComparison.Ordinal);
        using var again = ReadOk($$"""{"inputs":[{"name":"s","shape":[3],"datatype":"BYTES","data":["a\"b","日本","<tag>"]}]}""");
        Assert.Equal(tensor.Strings, again.Request.Inputs[0].Strings);
    }

    [Fact]
    public void Floats_are_written_in_shortest_round_trip_form()
    {
        using var fp32 = NamedTensor.FromValues<float>("f32", TensorDataType.Float32, [4], [0.1f, 1f / 3f, -0f, 1e-45f]);
        using var fp64 = NamedTensor.FromValues<double>("f64", TensorDataType.Float64, [2], [0.1, 1.0 / 3.0]);
        using var fp16 = NamedTensor.FromValues<Half>("f16", TensorDataType.Float16, [3], [(Half)0.1, (Half)65504, Half.Epsilon]);
        using var bf16 = NamedTensor.FromValues<ushort>("b16", TensorDataType.BFloat16, [3], [BF(0.1f), BF(1f), BF(-3e38f)]);
        using var special = NamedTensor.FromValues<float>("nf", TensorDataType.Float32, [3], [float.NaN, float.PositiveInfinity, float.NegativeInfinity]);

        var (json, _) = WriteJson([fp32, fp64, fp16, bf16, special]);

        using var response = JsonDocument.Parse(json);
        var outputs = response.RootElement.GetProperty("outputs");
        Assert.Equal("[0.1,0.33333334,-0,1E-45]", outputs[0].GetProperty("data").GetRawText());
        Assert.Equal("[0.1,0.3333333333333333]", outputs[1].GetProperty("data").GetRawText());
        // Shortest at the element's own precision, as numpy prints float16: 65500 reads back as the half 65504.
        Assert.Equal("[0.1,65500,6E-08]", outputs[2].GetProperty("data").GetRawText());
        Assert.Equal("[0.1,1,-3E+38]", outputs[3].GetProperty("data").GetRawText());
        Assert.Equal("""["NaN","Infinity","-Infinity"]""", outputs[4].GetProperty("data").GetRawText());
    }

    [Fact]
    public void Writes_the_envelope_and_only_the_requested_outputs()
    {
        using var request = ReadOk("""{"id":"r1","inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}],"outputs":[{"name":"label"}]}""");
        using var probabilities = NamedTensor.FromValues<float>("probabilities", TensorDataType.Float32, [1, 2], [0.25f, 0.75f]);
        using var label = NamedTensor.FromValues<long>("label", TensorDataType.Int64, [1], [1L]);
        var result = new InferenceResult(InferenceStatus.Ok, "fraud", "2", [probabilities, label]);
        var parameters = new Dictionary<string, V2ParameterValue>
        {
            ["batch"] = V2ParameterValue.FromInt64(4),
            ["note"] = V2ParameterValue.FromString("ok"),
            ["ratio"] = V2ParameterValue.FromDouble(0.5),
            ["cached"] = V2ParameterValue.FromBoolean(false),
        };
        var buffer = new ArrayBufferWriter<byte>();

        var layout = V2InferResponseWriter.Write(buffer, result, request, parameters);

        Assert.False(layout.HasBinaryData);
        Assert.Equal(buffer.WrittenCount, layout.JsonLength);
        Assert.Equal(
            """{"model_name":"fraud","model_version":"2","id":"r1","parameters":{"batch":4,"note":"ok","ratio":0.5,"cached":false},"outputs":[{"name":"label","datatype":"INT64","shape":[1],"data":[1]}]}""",
            Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void Refuses_failed_results_and_inconsistent_tensors()
    {
        var failed = new InferenceResult(InferenceStatus.QueueFull, "m", "1", Error: "busy");
        using var wrong = new NamedTensor("y", TensorDataType.Float32, [3], new byte[8]);

        Assert.Throws<ArgumentException>(() => V2InferResponseWriter.Write(new ArrayBufferWriter<byte>(), failed));
        var error = Assert.Throws<ArgumentException>(() => WriteJson([wrong]));
        Assert.StartsWith("Output 'y' has shape [3] of FP32 (12 bytes) but holds 8 bytes.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Error_body_is_the_v2_shape()
    {
        var buffer = new ArrayBufferWriter<byte>();

        var written = V2ErrorWriter.Write(buffer, new V2CodecError("Input 'x' has datatype 'FP33'; expected \"FP32\"."));

        Assert.Equal(buffer.WrittenCount, written);
        Assert.Equal("""{"error":"Input 'x' has datatype 'FP33'; expected \"FP32\"."}""", Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    private static (string Json, V2ResponseLayout Layout) WriteJson(IReadOnlyList<NamedTensor> outputs)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var layout = V2InferResponseWriter.Write(buffer, "m", "1", "id", outputs);
        return (Encoding.UTF8.GetString(buffer.WrittenSpan), layout);
    }
}
