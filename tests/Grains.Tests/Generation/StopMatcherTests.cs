using OrleansInference.Grains.Generation;

namespace OrleansInference.Grains.Tests.Generation;

public sealed class StopMatcherTests
{
    [Fact]
    public void WithoutStops_SendsEveryTokenAsItComes()
    {
        var stops = new StopMatcher(null);

        Assert.Equal("a", stops.Append("a"));
        Assert.Equal("b", stops.Append("b"));
        Assert.False(stops.Stopped);
        Assert.Equal(string.Empty, stops.Flush());
    }

    [Fact]
    public void HoldsBackAPossibleStopStart_AndReleasesItWhenItIsNot()
    {
        var stops = new StopMatcher(["END"]);

        Assert.Equal("x", stops.Append("x"));
        Assert.Equal(string.Empty, stops.Append("E"));
        Assert.Equal(string.Empty, stops.Append("N"));
        Assert.Equal("ENx", stops.Append("x"));
        Assert.False(stops.Stopped);
    }

    [Fact]
    public void AStopSequence_EndsTheTextBeforeIt()
    {
        var stops = new StopMatcher(["\n\n", "Amen"]);

        Assert.Equal("so be it", string.Concat("so be it".Select(c => stops.Append(c.ToString()))));
        Assert.Equal(" ", stops.Append(" "));
        Assert.Equal(string.Empty, stops.Append("A"));
        Assert.Equal(string.Empty, stops.Append("m"));
        Assert.Equal(string.Empty, stops.Append("e"));
        Assert.Equal(string.Empty, stops.Append("n"));
        Assert.True(stops.Stopped);
        Assert.Equal(string.Empty, stops.Flush());
    }

    [Fact]
    public void Flush_ReleasesHeldTextWhenTheSequenceEndsOtherwise()
    {
        var stops = new StopMatcher(["Amen"]);
        stops.Append("x");
        stops.Append("A");

        Assert.Equal("A", stops.Flush());
    }
}
