namespace OrleansInference.Client.Tests;

/// <summary>Checking and flattening of the rows a prediction carries.</summary>
public sealed class FeatureRowsTests
{
    [Fact]
    public void Flatten_Rows_CopiesThemRowMajor()
    {
        var features = FeatureRows.Flatten([[1f, 2f, 3f], [4f, 5f, 6f]], out var columns);

        Assert.Equal(3, columns);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], features);
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Flatten_Malformed_ThrowsArgumentExceptionNamingTheProblem(float[][] rows, string expected)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => FeatureRows.Flatten(rows, out _));

        Assert.Equal("rows", error.ParamName);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<float[][], string> Malformed() => new()
    {
        { [], "No rows were given" },
        { [null!], "Row 0 is null" },
        { [[]], "Row 0 has no feature values" },
        { [[1f, 2f], [1f]], "Row 1 has 1 feature values but row 0 has 2" },
        { [[1f, 2f], [1f, float.NaN]], "Row 1, feature 1 is NaN" },
        { [[float.PositiveInfinity]], "Row 0, feature 0 is" },
    };
}
