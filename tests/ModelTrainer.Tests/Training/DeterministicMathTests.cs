using OrleansInference.ModelTrainer.Training;

namespace OrleansInference.ModelTrainer.Tests.Training;

public sealed class DeterministicMathTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-1.0)]
    [InlineData(0.34657)]
    [InlineData(-20.5)]
    [InlineData(35.25)]
    [InlineData(700.0)]
    [InlineData(-700.0)]
    public void Exp_MatchesMathExpToWithinTwoUlps(double x)
    {
        var expected = Math.Exp(x);
        var actual = DeterministicMath.Exp(x);

        Assert.True(
            Math.Abs(actual - expected) <= 2 * Math.BitIncrement(expected) - 2 * expected,
            $"Exp({x}): expected {expected:R}, got {actual:R}.");
    }

    [Fact]
    public void Exp_HandlesOverflowAndUnderflow()
    {
        Assert.Equal(double.PositiveInfinity, DeterministicMath.Exp(800));
        Assert.Equal(0.0, DeterministicMath.Exp(-800));
        Assert.Equal(1.0, DeterministicMath.Exp(0.0));
    }

    [Fact]
    public void Softmax_SumsToOneAndIsShiftInvariant()
    {
        var a = new double[3];
        var b = new double[3];
        DeterministicMath.Softmax([1.0, 2.0, 3.0], a);
        DeterministicMath.Softmax([1001.0, 1002.0, 1003.0], b);

        Assert.Equal(1.0, a.Sum(), 12);
        Assert.Equal(a, b);
    }

    [Fact]
    public void DeterministicRandom_SequenceIsFixedBySeed()
    {
        var first = new DeterministicRandom(42);
        var second = new DeterministicRandom(42);

        Assert.Equal(
            Enumerable.Range(0, 5).Select(_ => first.NextUInt64()),
            Enumerable.Range(0, 5).Select(_ => second.NextUInt64()));
        Assert.InRange(new DeterministicRandom(1).NextDouble(), 0.0, 1.0);
    }
}
