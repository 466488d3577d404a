using System.Text;
using OrleansInference.Api.KServe;
using static OrleansInference.Api.Tests.KServe.V2TestBodies;

namespace OrleansInference.Api.Tests.KServe;

public sealed class V2InferRequestReaderErrorTests
{
    [Fact]
    public void Unknown_datatype_lists_the_valid_ones()
    {
        var message = ReadError(Input("x", "FP33", "[1]", "[1]"));

        Assert.Equal(
            "Input 'x' has datatype 'FP33'; expected one of BOOL, UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64, FP16, FP32, FP64, BF16, BYTES.",
            message);
    }

    [Fact]
    public void Element_count_must_match_the_shape()
    {
        var data = "[" + string.Join(",", Enumerable.Repeat("0.5", 59)) + "]";

        Assert.Equal("Input 'x' has shape [2,30] (60 elements) but 59 data elements were given.", ReadError(Input("x", "FP32", "[2,30]", data)));
        Assert.Equal("Input 'x' has shape [2] (2 elements) but 3 data elements were given.", ReadError(Input("x", "FP32", "[2]", "[[1],[2,3]]")));
        Assert.Equal("Input 'x' has shape [2] (2 elements) but 1 data element was given.", ReadError(Input("x", "BYTES", "[2]", """["a"]""")));
    }

    [Fact]
    public void A_shape_far_larger_than_the_body_is_counted_not_allocated()
    {
        Assert.Equal(
            "Input 'x' has shape [1000000000,1000000000] (1000000000000000000 elements) but 2 data elements were given.",
            ReadError(Input("x", "FP64", "[1000000000,1000000000]", "[1,2]")));
        Assert.Equal(
            "Input 'x' has shape [4611686018427387904,4], whose element count does not fit in 64 bits.",
            ReadError(Input("x", "FP64", "[4611686018427387904,4]", "[1,2]")));
    }

    [Fact]
    public void Dimensions_must_be_non_negative_integers()
    {
        Assert.Equal(
            "Input 'x' has shape [2,-1] with negative dimension 1; request shapes must be concrete.",
            ReadError(Input("x", "FP32", "[2,-1]", "[1,2]")));
        Assert.Equal(
            "Input 'x' 'shape' must hold integers, but dimension 1 is 2.5.",
            ReadError(Input("x", "FP32", "[1,2.5]", "[1,2]")));
        Assert.Equal(
            "Input 'x' 'shape' must be an array of integers, but it is a string.",
            ReadError(Input("x", "FP32", "\"2\"", "[1,2]")));
    }

    [Theory]
    [InlineData("UINT8", "[1,300]", "Input 'x' element 1 is 300, out of range for UINT8 (0 to 255).")]
    [InlineData("UINT8", "[-1,0]", "Input 'x' element 0 is -1, out of range for UINT8 (0 to 255).")]
    [InlineData("INT8", "[128,0]", "Input 'x' element 0 is 128, out of range for INT8 (-128 to 127).")]
    [InlineData("UINT16", "[0,65536]", "Input 'x' element 1 is 65536, out of range for UINT16 (0 to 65535).")]
    [InlineData("INT16", "[0,-32769]", "Input 'x' element 1 is -32769, out of range for INT16 (-32768 to 32767).")]
    [InlineData("UINT32", "[4294967296,0]", "Input 'x' element 0 is 4294967296, out of range for UINT32 (0 to 4294967295).")]
    [InlineData("INT32", "[2147483648,0]", "Input 'x' element 0 is 2147483648, out of range for INT32 (-2147483648 to 2147483647).")]
    [InlineData("UINT64", "[18446744073709551616,0]", "Input 'x' element 0 is 18446744073709551616, out of range for UINT64 (0 to 18446744073709551615).")]
    [InlineData("UINT64", "[-1,0]", "Input 'x' element 0 is -1, out of range for UINT64 (0 to 18446744073709551615).")]
    [InlineData("INT64", "[0,-9223372036854775809]", "Input 'x' element 1 is -9223372036854775809, out of range for INT64 (-9223372036854775808 to 9223372036854775807).")]
    [InlineData("INT64", "[0,1e19]", "Input 'x' element 1 is 1e19, out of range for INT64 (-9223372036854775808 to 9223372036854775807).")]
    [InlineData("FP16", "[0,70000]", "Input 'x' element 1 is 70000, out of range for FP16 (magnitude at most 65504).")]
    [InlineData("FP32", "[1e39,0]", "Input 'x' element 0 is 1e39, out of range for FP32 (magnitude at most 3.4028235E+38).")]
    [InlineData("BF16", "[0,-3.4e38]", "Input 'x' element 1 is -3.4e38, out of range for BF16 (magnitude at most 3.3895314E+38).")]
    [InlineData("FP64", "[0,1e400]", "Input 'x' element 1 is 1e400, out of range for FP64 (magnitude at most 1.7976931348623157E+308).")]
    public void Values_must_fit_the_datatype(string datatype, string data, string expected)
    {
        Assert.Equal(expected, ReadError(Input("x", datatype, "[2]", data)));
    }

    [Theory]
    [InlineData("INT32", "[1,1.5]", "Input 'x' element 1 is 1.5, which is not an integer as INT32 requires.")]
    [InlineData("FP32", "[1,\"2\"]", "Input 'x' element 1 must be a number (or \"NaN\", \"Infinity\", \"-Infinity\") for FP32 data, but it is a string.")]
    [InlineData("INT64", "[null,1]", "Input 'x' element 0 must be an integer for INT64 data, but it is null.")]
    [InlineData("UINT8", "[true,1]", "Input 'x' element 0 must be an integer for UINT8 data, but it is a boolean.")]
    [InlineData("BOOL", "[true,1]", "Input 'x' element 1 must be true or false for BOOL data, but it is a number.")]
    [InlineData("BYTES", "[\"a\",1]", "Input 'x' element 1 must be a string for BYTES data, but it is a number.")]
    [InlineData("FP64", "[1,{\"v\":2}]", "Input 'x' element 1 must be a number (or \"NaN\", \"Infinity\", \"-Infinity\") for FP64 data, but it is an object.")]
    public void Elements_must_have_the_datatype_token(string datatype, string data, string expected)
    {
        Assert.Equal(expected, ReadError(Input("x", datatype, "[2]", data)));
    }

    [Theory]
    [InlineData("""{"inputs":[{"shape":[1],"datatype":"FP32","data":[1]}]}""", "Input 0 has no 'name'.")]
    [InlineData("""{"inputs":[{"name":"x","datatype":"FP32","data":[1]}]}""", "Input 'x' has no 'shape'.")]
    [InlineData("""{"inputs":[{"name":"x","shape":[1],"data":[1]}]}""", "Input 'x' has no 'datatype'.")]
    [InlineData("""{"inputs":[{"name":"x","shape":[1],"datatype":"FP32"}]}""", "Input 'x' has no 'data' and no 'binary_data_size'.")]
    [InlineData("""{"id":"a"}""", "The request has no 'inputs'; give at least one input tensor.")]
    [InlineData("""{"inputs":[]}""", "The request has no 'inputs'; give at least one input tensor.")]
    [InlineData("""{"inputs":{}}""", "The request 'inputs' must be an array of tensors, but it is an object.")]
    [InlineData("""[1]""", "The inference request must be a JSON object.")]
    [InlineData("""{"id":5,"inputs":[]}""", "The request 'id' must be a string, but it is a number.")]
    [InlineData("""{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":5}]}""", "Input 'x' 'data' must be an array, flat or nested row-major, but it is a number.")]
    [InlineData("""{"inputs":[{"name":7,"shape":[1],"datatype":"FP32","data":[1]}]}""", "Input 0 'name' must be a string, but it is a number.")]
    [InlineData("""{"inputs":[{"name":"x","name":"y","shape":[1],"datatype":"FP32","data":[1]}]}""", "Input 'x' gives 'name' more than once.")]
    [InlineData("""{"inputs":[1]}""", "Input 0 must be a JSON object, but it is a number.")]
    public void Required_fields_must_be_present_and_typed(string json, string expected)
    {
        Assert.Equal(expected, ReadError(json));
    }

    [Fact]
    public void Input_names_must_be_unique()
    {
        const string json = """
            {"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]},{"name":"x","shape":[1],"datatype":"FP32","data":[2]}]}
            """;

        Assert.Equal("Input 'x' is given more than once.", ReadError(json));
    }

    [Theory]
    [InlineData("""{"parameters":{"a":[1]},"inputs":[]}""", "The request parameter 'a' must be a string, number or boolean, but it is an array.")]
    [InlineData("""{"parameters":{"binary_data_output":"yes"},"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}]}""", "Request parameter 'binary_data_output' must be true or false.")]
    [InlineData("""{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","parameters":{"p":{}},"data":[1]}]}""", "Input 'x' parameter 'p' must be a string, number or boolean, but it is an object.")]
    [InlineData("""{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}],"outputs":[{"name":"y","parameters":{"binary_data":1}}]}""", "Output 'y' parameter 'binary_data' must be true or false.")]
    [InlineData("""{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}],"outputs":[{"name":"y","parameters":{"classification":-3}}]}""", "Output 'y' parameter 'classification' must be an integer from 0 to 1048576 (the number of top classes to return); got -3.")]
    [InlineData("""{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}],"outputs":[{"name":"y"},{"name":"y"}]}""", "Output 'y' is requested more than once.")]
    [InlineData("""{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}],"outputs":[{"parameters":{}}]}""", "Output 0 has no 'name'.")]
    public void Parameters_and_outputs_are_validated(string json, string expected)
    {
        Assert.Equal(expected, ReadError(json));
    }

    [Fact]
    public void Malformed_json_reports_the_byte_position()
    {
        const string json = "{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1,]}]}";

        var message = ReadError(json);

        Assert.StartsWith($"Malformed JSON at byte {json.IndexOf(",]", StringComparison.Ordinal) + 1} (line 1): ", message);
    }

    [Fact]
    public void Malformed_json_on_a_later_line_counts_bytes_from_the_start()
    {
        const string json = "{\n  \"id\": \"é\",\n  \"inputs\": x\n}";
        var expected = Encoding.UTF8.GetByteCount(json[..json.IndexOf('x', StringComparison.Ordinal)]);

        var message = ReadError(json);

        Assert.StartsWith($"Malformed JSON at byte {expected} (line 3): ", message);
    }

    [Theory]
    [InlineData("""{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}]} trailing""")]
    [InlineData("""{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]}""")]
    [InlineData("")]
    public void Truncated_or_trailing_content_is_malformed(string json)
    {
        Assert.StartsWith("Malformed JSON", ReadError(json));
    }

    [Fact]
    public void Invalid_utf8_in_a_string_is_rejected()
    {
        var body = Encoding.UTF8.GetBytes("""{"inputs":[{"name":"s","shape":[1],"datatype":"BYTES","data":["ab"]}]}""");
        body[body.AsSpan().IndexOf("\"ab\""u8) + 1] = 0xFF;

        var result = V2InferRequestReader.Read(body);

        Assert.False(result.IsSuccess);
        Assert.Contains("UTF-8", result.Error!.Message, StringComparison.Ordinal);
    }
}
