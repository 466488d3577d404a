using System.Text;
using OrleansInference.Grains.BatchJobs;

namespace OrleansInference.Grains.Tests.BatchJobs;

public sealed class BatchRowParserTests
{
    [Fact]
    public void Csv_maps_columns_by_header_ignores_other_columns_and_fills_defaults()
    {
        var parser = CsvRowParser.Create("id,\"c\",a", BatchTestConfig.Vectorizer, "m", out var error)!;
        var row = new float[3];

        Assert.Null(error);
        Assert.Null(parser.Parse("7, 3.5 ,\"1e1\"\r"u8, row));
        Assert.Equal(new float[] { 10, 10, 3.5f }, row);
    }

    [Fact]
    public void Csv_commas_inside_quotes_do_not_split_fields()
    {
        var parser = CsvRowParser.Create("id,c,a", BatchTestConfig.Vectorizer, "m", out _)!;
        var row = new float[3];

        Assert.Null(parser.Parse("\"x,\"\"y\"\", z\",2,1"u8, row));
        Assert.Equal(new float[] { 1, 10, 2 }, row);
        Assert.Contains("4 fields; the header has 3", parser.Parse("1,2,3,4"u8, row), StringComparison.Ordinal);
        Assert.Contains("4 fields; the header has 3", parser.Parse("1,2,3,"u8, row), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1,2", "2 fields; the header has 3")]
    [InlineData("1,x,3", "Field 'c' is 'x'")]
    [InlineData("1,NaN,3", "not a finite number")]
    [InlineData("1,,3", "Feature 'c' is missing")]
    public void Csv_rejects_bad_records_with_a_reason(string line, string reason)
    {
        var parser = CsvRowParser.Create("id,c,a", BatchTestConfig.Vectorizer, "m", out _)!;

        var error = parser.Parse(Encoding.UTF8.GetBytes(line), new float[3]);

        Assert.NotNull(error);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Csv_header_without_any_feature_is_refused()
    {
        Assert.Null(CsvRowParser.Create("x,y,z", BatchTestConfig.Vectorizer, "m", out var error));
        Assert.Contains("names none of model 'm''s features", error, StringComparison.Ordinal);
        Assert.Null(CsvRowParser.Create("a,a", BatchTestConfig.Vectorizer, "m", out error));
        Assert.Contains("more than once", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"a": 1, "c": 3, "id": "x", "nested": {"a": 9}}""", new float[] { 1, 10, 3 })]
    [InlineData("""{"features": {"a": 1, "b": 2, "c": 3}}""", new float[] { 1, 2, 3 })]
    [InlineData("""{"features": [4, 5, 6]}""", new float[] { 4, 5, 6 })]
    public void JsonLines_reads_named_features_or_a_full_vector(string line, float[] expected)
    {
        var row = new float[3];

        Assert.Null(new JsonLinesRowParser(BatchTestConfig.Vectorizer).Parse(Encoding.UTF8.GetBytes(line), row));
        Assert.Equal(expected, row);
    }

    [Theory]
    [InlineData("[1, 2, 3]", "not a JSON object")]
    [InlineData("""{"a": "1", "c": 2}""", "Feature 'a' is not a finite number")]
    [InlineData("""{"a": 1}""", "Feature 'c' is missing")]
    [InlineData("""{"features": [1, 2]}""", "'features' has 2 values")]
    [InlineData("""{"a": 1,""", "not valid JSON")]
    [InlineData("""{"a": 1, "c": 2} {}""", "not valid JSON")]
    public void JsonLines_rejects_bad_records_with_a_reason(string line, string reason)
    {
        var error = new JsonLinesRowParser(BatchTestConfig.Vectorizer).Parse(Encoding.UTF8.GetBytes(line), new float[3]);

        Assert.NotNull(error);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }
}
