using System.Globalization;
using System.Text;
using OrleansInference.Grid.Processing;

namespace OrleansInference.Grains.Tests.Processing;

public sealed class DecimalFloatParserTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("+0.000")]
    [InlineData("13.54")]
    [InlineData("-12.5")]
    [InlineData("0.0731")]
    [InlineData("1.2e-3")]
    [InlineData("1.2E+3")]
    [InlineData(".5")]
    [InlineData("5.")]
    [InlineData("16777217")]
    [InlineData("3.4028235e38")]
    [InlineData("3.4028236e38")]
    [InlineData("1e39")]
    [InlineData("1.17549435e-38")]
    [InlineData("1e-45")]
    [InlineData("1e-46")]
    [InlineData("123456789012345678901234567890")]
    [InlineData("0.1000000000000000000000000001")]
    [InlineData("1e22")]
    [InlineData("1e23")]
    [InlineData("9007199254740993")]
    [InlineData(" 1.5 ")]
    [InlineData("NaN")]
    [InlineData("-Infinity")]
    [InlineData("1e")]
    [InlineData("1e+")]
    [InlineData("-")]
    [InlineData(".")]
    [InlineData("")]
    [InlineData("1.2.3")]
    [InlineData("12a")]
    [InlineData("0x10")]
    [InlineData("1,5")]
    [InlineData("0e99999")]
    public void Agrees_with_the_runtime_parser_on_edge_cases(string text) => AssertSame(text);

    [Fact]
    public void Agrees_with_the_runtime_parser_bit_for_bit_on_random_decimals()
    {
        var random = new Random(20261203);
        string[] formats = ["R", "G9", "G6", "F1", "F3", "F7", "E3", "E8", "G17"];
        for (var i = 0; i < 200_000; i++)
        {
            var magnitude = Math.Pow(10, random.Next(-12, 12));
            var number = (random.NextDouble() - 0.5) * 2 * magnitude;
            AssertSame(number.ToString(formats[i % formats.Length], CultureInfo.InvariantCulture));
            AssertSame(((float)number).ToString(formats[i % formats.Length], CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void Agrees_on_random_digit_strings_including_float_rounding_midpoints()
    {
        var random = new Random(7);
        var text = new StringBuilder();
        for (var i = 0; i < 200_000; i++)
        {
            text.Clear();
            var digits = random.Next(1, 20);
            for (var d = 0; d < digits; d++)
            {
                text.Append((char)('0' + random.Next(10)));
            }

            if (random.Next(2) == 0)
            {
                text.Insert(random.Next(text.Length + 1), '.');
            }

            if (random.Next(3) == 0)
            {
                text.Append('e').Append(random.Next(-30, 30));
            }

            AssertSame(text.ToString());
        }

        // Exact float midpoints: halfway between two adjacent floats, written out in full.
        for (var i = 0; i < 20_000; i++)
        {
            var f = (float)(random.NextDouble() * 1000);
            var midpoint = ((double)f + (double)MathF.BitIncrement(f)) / 2;
            AssertSame(midpoint.ToString("R", CultureInfo.InvariantCulture));
            AssertSame(((decimal)midpoint).ToString(CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void Fast_path_takes_plain_decimals()
    {
        Assert.True(DecimalFloatParser.TryParseFast("13.54"u8, out var value));
        Assert.Equal(13.54f, value);
        Assert.True(DecimalFloatParser.TryParseFast("-2.6544e-05"u8, out value));
        Assert.Equal(-2.6544e-05f, value);
        Assert.False(DecimalFloatParser.TryParseFast("NaN"u8, out _));
    }

    private static void AssertSame(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var expectedOk = float.TryParse(bytes, NumberStyles.Float, CultureInfo.InvariantCulture, out var expected);
        var actualOk = DecimalFloatParser.TryParse(bytes, out var actual);
        Assert.True(expectedOk == actualOk, $"'{text}': runtime says {expectedOk}, parser says {actualOk}.");
        if (expectedOk)
        {
            Assert.True(
                BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual),
                $"'{text}': runtime {expected:R} (0x{BitConverter.SingleToInt32Bits(expected):X8}), parser {actual:R} (0x{BitConverter.SingleToInt32Bits(actual):X8}).");
        }
    }
}
