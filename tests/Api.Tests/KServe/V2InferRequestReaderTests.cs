using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using OrleansInference.Api.KServe;
using OrleansInference.Contracts.Inference;
using static OrleansInference.Api.Tests.KServe.V2TestBodies;

namespace OrleansInference.Api.Tests.KServe;

public sealed class V2InferRequestReaderTests
{
    /// <summary>Four elements of every datatype, as JSON tokens, and the little-endian bytes they must become.</summary>
    public static TheoryData<string, string[], byte[]> EveryDatatype => new()
    {
        { "BOOL", ["true", "false", "false", "true"], [1, 0, 0, 1] },
        { "UINT8", ["0", "255", "7", "128"], [0, 255, 7, 128] },
        { "UINT16", ["0", "65535", "7", "300"], Bytes<ushort>(0, 65535, 7, 300) },
        { "UINT32", ["0", "4294967295", "7", "65536"], Bytes<uint>(0, 4294967295, 7, 65536) },
        { "UINT64", ["0", "18446744073709551615", "7", "4294967296"], Bytes<ulong>(0, ulong.MaxValue, 7, 4294967296) },
        { "INT8", ["-128", "127", "0", "-1"], Bytes<sbyte>(-128, 127, 0, -1) },
        { "INT16", ["-32768", "32767", "0", "-1"], Bytes<short>(-32768, 32767, 0, -1) },
        { "INT32", ["-2147483648", "2147483647", "0", "-1"], Bytes<int>(int.MinValue, int.MaxValue, 0, -1) },
        { "INT64", ["-9223372036854775808", "9223372036854775807", "0", "-1"], Bytes<long>(long.MinValue, long.MaxValue, 0, -1) },
        { "FP16", ["0.5", "-2", "65504", "0.1"], Bytes((Half)0.5, (Half)(-2.0), (Half)65504.0, (Half)0.1) },
        { "FP32", ["0.1", "-2.5", "3.4028235e38", "1e-45"], Bytes(0.1f, -2.5f, float.MaxValue, float.Epsilon) },
        { "FP64", ["0.1", "-2.5", "1.7976931348623157e308", "5e-324"], Bytes(0.1, -2.5, double.MaxValue, double.Epsilon) },
        { "BF16", ["1", "-2.5", "0.1", "3.0e38"], Bytes(BF(1f), BF(-2.5f), BF(0.1f), BF(3.0e38f)) },
    };

    [Theory]
    [MemberData(nameof(EveryDatatype))]
    public void Reads_every_datatype_from_flat_data(string datatype, string[] tokens, byte[] expected)
    {
        using var request = ReadOk(Input("x", datatype, "[4]", "[" + string.Join(",", tokens) + "]"));

        var tensor = Assert.Single(request.Request.Inputs);
        Assert.Equal(datatype, tensor.DataType.ToV2Name());
        Assert.Equal([4L], tensor.Shape);
        Assert.Equal(expected, tensor.Data.ToArray());
    }

    [Theory]
    [MemberData(nameof(EveryDatatype))]
    public void Reads_every_datatype_from_nested_data(string datatype, string[] tokens, byte[] expected)
    {
        var nested = $"[[{tokens[0]},{tokens[1]}],[{tokens[2]},{tokens[3]}]]";

        using var request = ReadOk(Input("x", datatype, "[2,2]", nested));

        var tensor = Assert.Single(request.Request.Inputs);
        Assert.Equal([2L, 2L], tensor.Shape);
        Assert.Equal(expected, tensor.Data.ToArray());
    }

    [Fact]
    public void Reads_bytes_as_utf8_strings_flat_and_nested()
    {
        using var flat = ReadOk(Input("s", "BYTES", "[4]", """["a","","héllo","日本\n"]"""));
        using var nested = ReadOk(Input("s", "BYTES", "[2,2]", """[["a",""],["héllo","日本\n"]]"""));

        string[] expected = ["a", "", "héllo", "日本\n"];
        Assert.Equal(expected, Assert.Single(flat.Request.Inputs).Strings);
        Assert.Equal(expected, Assert.Single(nested.Request.Inputs).Strings);
        Assert.Equal(TensorDataType.String, nested.Request.Inputs[0].DataType);
    }

    [Fact]
    public void Reads_id_parameters_and_requested_outputs()
    {
        const string json = """
            {
              "id": "req-7",
              "parameters": { "tenant": "acme", "top": 3, "temperature": 0.5, "binary_data_output": true },
              "inputs": [
                { "name": "a", "shape": [1], "datatype": "INT32", "parameters": { "note": "first" }, "data": [1] },
                { "name": "b", "shape": [1], "datatype": "INT32", "data": [2] }
              ],
              "outputs": [
                { "name": "probabilities", "parameters": { "binary_data": false } },
                { "name": "label" }
              ]
            }
            """;

        using var request = ReadOk(json);

        Assert.Equal("req-7", request.Request.Id);
        Assert.True(request.Parameters["tenant"].TryGetString(out var tenant) && tenant == "acme");
        Assert.True(request.Parameters["top"].TryGetInt64(out var top) && top == 3);
        Assert.True(request.Parameters["temperature"].TryGetDouble(out var temperature) && temperature == 0.5);
        Assert.Equal(V2ParameterKind.Number, request.Parameters["temperature"].Kind);
        Assert.True(request.BinaryDataOutput);
        Assert.Equal(["probabilities", "label"], request.Request.RequestedOutputs);
        Assert.False(request.WantsBinary("probabilities"));
        Assert.True(request.WantsBinary("label"));
        Assert.Equal(2, request.InputParameters.Count);
        Assert.True(request.InputParameters[0]["note"].TryGetString(out var note) && note == "first");
        Assert.Empty(request.InputParameters[1]);
        Assert.Equal(["a", "b"], request.Request.Inputs.Select(i => i.Name));
    }

    [Fact]
    public void Reads_fields_in_any_order_and_skips_unknown_ones()
    {
        const string json = """
            {"model_name":"m","inputs":[{"data":[[1.5,2],[3,4]],"extra":{"a":[1,{"b":2}]},"datatype":"FP32","shape":[2,2],"name":"x"}],"id":"z"}
            """;

        using var request = ReadOk(json);

        var tensor = Assert.Single(request.Request.Inputs);
        Assert.Equal([1.5f, 2f, 3f, 4f], tensor.AsSpan<float>().ToArray());
        Assert.Equal("z", request.Request.Id);
        Assert.Null(request.Request.RequestedOutputs);
        Assert.Empty(request.Outputs);
    }

    [Fact]
    public void Reads_scalars_and_empty_tensors()
    {
        using var scalar = ReadOk(Input("s", "INT64", "[]", "[42]"));
        using var empty = ReadOk(Input("e", "FP32", "[0,3]", "[]"));

        Assert.Equal([42L], scalar.Request.Inputs[0].AsSpan<long>().ToArray());
        Assert.Empty(scalar.Request.Inputs[0].Shape);
        Assert.Equal(0, empty.Request.Inputs[0].Data.Length);
    }

    [Fact]
    public void Integers_accept_integral_fractions_and_exponents()
    {
        using var request = ReadOk(Input("i", "INT32", "[3]", "[3.0,1e2,-0.0]"));

        Assert.Equal([3, 100, 0], request.Request.Inputs[0].AsSpan<int>().ToArray());
    }

    [Fact]
    public void Floats_accept_named_non_finite_values()
    {
        using var request = ReadOk(Input("f", "FP32", "[3]", """["NaN","Infinity","-Infinity"]"""));

        var values = request.Request.Inputs[0].AsSpan<float>().ToArray();
        Assert.True(float.IsNaN(values[0]));
        Assert.Equal(float.PositiveInfinity, values[1]);
        Assert.Equal(float.NegativeInfinity, values[2]);
    }

    [Fact]
    public void Fp16_rounds_once_from_the_decimal_text()
    {
        // 65519 is below the midpoint to infinity (65520) and rounds to the largest half, 65504.
        using var request = ReadOk(Input("h", "FP16", "[2]", "[65519, 0.000000059604645]"));

        var values = request.Request.Inputs[0].AsSpan<Half>().ToArray();
        Assert.Equal((Half)65504, values[0]);
        Assert.Equal(Half.Epsilon, values[1]);
    }

    [Fact]
    public void Bf16_rounds_to_nearest_even()
    {
        // 1 + 2^-8 lies halfway between 1.0 (0x3F80) and 1.0078125 (0x3F81): ties go to the even 0x3F80.
        // 1 + 3*2^-8 lies halfway between 0x3F81 and 0x3F82: ties go to the even 0x3F82.
        using var request = ReadOk(Input("b", "BF16", "[3]", "[1.00390625, 1.01171875, 1.005]"));

        Assert.Equal([(ushort)0x3F80, (ushort)0x3F82, (ushort)0x3F81], request.Request.Inputs[0].AsSpan<ushort>().ToArray());
    }

    [Fact]
    public void Reads_a_segmented_body_like_a_contiguous_one()
    {
        var json = Encoding.UTF8.GetBytes("""
            {"id":"seg","inputs":[{"name":"x","shape":[2,3],"datatype":"FP64","data":[[0.1,0.2,0.3],[1e300,-5,"NaN"]]},
            {"name":"s","shape":[2],"datatype":"BYTES","data":["long string value that spans segments","é"]}]}
            """);

        foreach (var segment in new[] { 1, 3, 7, 64 })
        {
            var result = V2InferRequestReader.Read(Segmented(json, segment));
            Assert.True(result.IsSuccess, $"segment {segment}: {result.Error?.Message}");
            using var request = result.Request;
            Assert.Equal([0.1, 0.2, 0.3, 1e300, -5, double.NaN], request.Request.Inputs[0].AsSpan<double>().ToArray());
            Assert.Equal(["long string value that spans segments", "é"], request.Request.Inputs[1].Strings!);
        }
    }

    [Fact]
    public void Reads_a_large_fp32_tensor()
    {
        const int count = 100_000;
        var expected = new float[count];
        var json = new StringBuilder("""{"inputs":[{"name":"big","shape":[1,100000],"datatype":"FP32","data":[""");
        for (var i = 0; i < count; i++)
        {
            expected[i] = (float)Math.Sin(i) * 1000f;
            json.Append(i == 0 ? "" : ",").Append(expected[i].ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        }

        json.Append("]}]}");

        using var request = ReadOk(json.ToString());

        var tensor = Assert.Single(request.Request.Inputs);
        Assert.Equal([1L, count], tensor.Shape);
        Assert.Equal(count * sizeof(float), tensor.Data.Length);
        Assert.True(expected.AsSpan().SequenceEqual(tensor.AsSpan<float>()), "The parsed elements differ from the written ones.");
    }

    [Fact]
    public void Disposing_returns_the_buffers_once()
    {
        var request = ReadOk(Input("x", "FP32", "[2]", "[1,2]"));

        request.Dispose();
        request.Dispose();
    }

    internal static byte[] Bytes<T>(params T[] values)
        where T : unmanaged => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    internal static ushort BF(float value) => BFloat16Bits.FromSingle(value);

    internal static ReadOnlySequence<byte> Sequence(byte[] body) => new(body);
}
