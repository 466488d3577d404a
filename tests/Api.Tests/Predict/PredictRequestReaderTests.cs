using System.Buffers;
using System.Text;
using OrleansInference.Api.Predict;
using OrleansInference.Grid.Processing;
using OrleansInference.Grid.Repository;

namespace OrleansInference.Api.Tests.Predict;

public sealed class PredictRequestReaderTests
{
    private static readonly FeatureVectorizer Vectorizer = new(new ModelConfig
    {
        Name = "m",
        Version = "1",
        Inputs = [new TensorSpec("features", "FP32", [-1, 3])],
        Outputs = [new TensorSpec("p", "FP32", [-1, 2])],
        FeatureNames = ["a", "b", "c"],
        Preprocessing = new PreprocessingConfig { Defaults = new Dictionary<string, float> { ["c"] = 9 } },
    });

    [Fact]
    public void Envelope_reads_routing_fields_in_any_order()
    {
        var envelope = PredictRequestReader.ReadEnvelope("""{"features":[1,2,3],"user_id":"u7","version":2,"model":"m"}"""u8);

        Assert.Equal(new PredictEnvelope("m", "2", "u7", true), envelope);
    }

    [Theory]
    [InlineData("""{"model":"m","features":[1,2,3]}""", 1, true, new float[] { 1, 2, 3 })]
    [InlineData("""{"model":"m","input":{"b":2,"a":1}}""", 1, true, new float[] { 1, 2, 9 })]
    [InlineData("""{"model":"m","features":[[1,2,3],{"a":4,"b":5,"c":6}]}""", 2, false, new float[] { 1, 2, 3, 4, 5, 6 })]
    public void Features_accept_every_row_form(string json, int expectedRows, bool expectedSingle, float[] expected)
    {
        var (rows, single) = PredictRequestReader.ReadFeatures(Encoding.UTF8.GetBytes(json), Vectorizer, out var buffer);
        try
        {
            Assert.Equal(expectedRows, rows);
            Assert.Equal(expectedSingle, single);
            Assert.Equal(expected, buffer.AsSpan(0, rows * 3).ToArray());
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    [Fact]
    public void Many_rows_grow_the_pooled_buffer()
    {
        var json = "{\"model\":\"m\",\"features\":[" + string.Join(",", Enumerable.Range(0, 500).Select(i => $"[{i},1,2]")) + "]}";

        var (rows, _) = PredictRequestReader.ReadFeatures(Encoding.UTF8.GetBytes(json), Vectorizer, out var buffer);

        Assert.Equal(500, rows);
        Assert.Equal(499, buffer[499 * 3]);
        ArrayPool<float>.Shared.Return(buffer);
    }

    [Theory]
    [InlineData("""{"model":"m","features":[1,2]}""", "Row 0 has 2 values; the model expects 3 features per row.")]
    [InlineData("""{"model":"m","features":[1,2,3,4]}""", "Row 0 has 4 values; the model expects 3 features per row.")]
    [InlineData("""{"model":"m","features":{"a":1,"zz":2}}""", "Row 0 names unknown feature 'zz'; expected features: a, b, c.")]
    [InlineData("""{"model":"m","features":{"a":1}}""", "Row 0 is missing feature 'b', which has no default.")]
    [InlineData("""{"model":"m","features":[1,"x",3]}""", "Row 0, value 1 must be a finite number.")]
    [InlineData("""{"model":"m","features":[]}""", "Row 0 has 0 values; the model expects 3 features per row.")]
    public void Bad_features_are_named(string json, string expected)
    {
        var error = Assert.Throws<PredictFormatException>(() => PredictRequestReader.ReadFeatures(Encoding.UTF8.GetBytes(json), Vectorizer, out _));

        Assert.StartsWith(expected, error.Message);
    }

    [Fact]
    public void Malformed_json_reports_the_position()
    {
        var error = Assert.Throws<PredictFormatException>(() => PredictRequestReader.ReadEnvelope("""{"model": "m", "features": [1, 2,, 3]}"""u8));

        Assert.StartsWith("Malformed JSON at byte", error.Message);
    }

    [Theory]
    [InlineData("""{"features":[1,2.5,-3e-2],"model":"m"}""", 1, true)]
    [InlineData("""{"model":"m","input":[[1,2,3],[4,5,6],[7,8,9]]}""", 3, false)]
    public void Numeric_features_are_parsed_in_the_envelope_pass_and_taken_over(string json, int expectedRows, bool expectedSingle)
    {
        var body = Encoding.UTF8.GetBytes(json);
        var envelope = PredictRequestReader.ReadEnvelope(body, out var parsed);
        Assert.Equal("m", envelope.Model);
        Assert.NotNull(parsed);
        Assert.Equal((expectedRows, 3, expectedSingle), (envelope.ParsedRows, envelope.ParsedWidth, envelope.ParsedSingleRow));
        var adopted = parsed;

        var (rows, single) = PredictRequestReader.ReadFeatures(body, envelope, ref parsed, Vectorizer, out var buffer);

        Assert.Null(parsed);
        Assert.Same(adopted, buffer);
        var (slowRows, slowSingle) = PredictRequestReader.ReadFeatures(body, Vectorizer, out var slow);
        Assert.Equal((slowRows, slowSingle), (rows, single));
        Assert.Equal(slow.AsSpan(0, rows * 3).ToArray(), buffer.AsSpan(0, rows * 3).ToArray());
        ArrayPool<float>.Shared.Return(buffer);
        ArrayPool<float>.Shared.Return(slow);
    }

    [Theory]
    [InlineData("""{"model":"m","features":[[1,2,3],{"a":4,"b":5}]}""")]
    [InlineData("""{"model":"m","features":[[1,2,3],[4,5]]}""")]
    [InlineData("""{"model":"m","features":[1,null,3]}""")]
    [InlineData("""{"model":"m","features":[1,"x",3]}""")]
    [InlineData("""{"model":"m","features":[1e39,2,3]}""")]
    [InlineData("""{"model":"m","features":[]}""")]
    [InlineData("""{"model":"m","features":[[]]}""")]
    [InlineData("""{"model":"m","features":{"a":1,"b":2}}""")]
    public void Other_feature_shapes_are_left_for_the_model_aware_parser(string json)
    {
        var envelope = PredictRequestReader.ReadEnvelope(Encoding.UTF8.GetBytes(json), out var parsed);

        Assert.Null(parsed);
        Assert.Equal(0, envelope.ParsedWidth);
        Assert.Equal("m", envelope.Model);
        Assert.True(envelope.HasFeatures);
    }

    [Fact]
    public void Rows_of_another_width_than_the_model_s_get_the_model_aware_error()
    {
        var body = Encoding.UTF8.GetBytes("""{"model":"m","features":[[1,2],[3,4]]}""");
        var envelope = PredictRequestReader.ReadEnvelope(body, out var parsed);
        Assert.NotNull(parsed);

        var error = Assert.Throws<PredictFormatException>(() => PredictRequestReader.ReadFeatures(body, envelope, ref parsed, Vectorizer, out _));

        Assert.StartsWith("Row 0 has 2 values; the model expects 3 features per row.", error.Message);
        Assert.Null(parsed);
    }

    [Fact]
    public void Malformed_json_inside_numeric_features_reports_the_position()
    {
        var error = Assert.Throws<PredictFormatException>(() => PredictRequestReader.ReadEnvelope("""{"model":"m","features":[[1,2,3],[4,5,6}"""u8, out _));

        Assert.StartsWith("Malformed JSON at byte", error.Message);
    }
}
