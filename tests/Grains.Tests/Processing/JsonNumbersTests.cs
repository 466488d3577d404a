using System.Globalization;
using System.Text;
using System.Text.Json;
using OrleansInference.Grid.Processing;

namespace OrleansInference.Grains.Tests.Processing;

public sealed class JsonNumbersTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("17.99")]
    [InlineData("-122.8")]
    [InlineData("0.0731")]
    [InlineData("1.2e-3")]
    [InlineData("1.2E+3")]
    [InlineData("6.02214076e23")]
    [InlineData("3.4028234663852886e38")]
    [InlineData("1e-45")]
    [InlineData("1e-50")]
    [InlineData("123456789012345678901234567890")]
    [InlineData("0.1000000000000000055511151231257827")]
    public void Finite_numbers_read_as_the_runtime_reads_them(string json)
    {
        var reader = ReaderAt(json);
        var expected = float.Parse(json, NumberStyles.Float, CultureInfo.InvariantCulture);

        Assert.True(reader.TryGetFiniteSingle(out var value));
        Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(value));
    }

    [Theory]
    [InlineData("1e39")]
    [InlineData("-3.5e38")]
    [InlineData("\"1.5\"")]
    [InlineData("null")]
    [InlineData("true")]
    public void Numbers_beyond_the_float_range_and_other_tokens_are_refused(string json)
    {
        var reader = ReaderAt(json);

        Assert.False(reader.TryGetFiniteSingle(out _));
    }

    [Fact]
    public void Random_decimals_match_TryGetSingle_bit_for_bit()
    {
        var random = new Random(7);
        for (var i = 0; i < 20_000; i++)
        {
            var number = (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-12, 12));
            var text = number.ToString(i % 2 == 0 ? "R" : "E" + random.Next(1, 12), CultureInfo.InvariantCulture);
            var reader = ReaderAt(text);
            Assert.True(reader.TryGetSingle(out var expected), text);
            var again = ReaderAt(text);

            Assert.True(again.TryGetFiniteSingle(out var value), text);
            Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(value), $"{text}: {expected:R} vs {value:R}");
        }
    }

    private static Utf8JsonReader ReaderAt(string json)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        Assert.True(reader.Read());
        return reader;
    }
}
