using Microsoft.Extensions.Time.Testing;
using OrleansInference.Contracts.Models;
using OrleansInference.Grains.Caching;

namespace OrleansInference.Grains.Tests.Caching;

public sealed class PredictionCacheTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Hit_ReturnsTheStoredRows_UntilTheTtlPasses()
    {
        var cache = new PredictionCache(TimeSpan.FromSeconds(10), 100, _time);
        RowPrediction[] rows = [Row(1)];
        cache.Add([1f, 2f, 3f], rows);

        Assert.True(cache.TryGet([1f, 2f, 3f], out var hit));
        Assert.Same(rows, hit);

        _time.Advance(TimeSpan.FromSeconds(9.9));
        Assert.True(cache.TryGet([1f, 2f, 3f], out _));
        _time.Advance(TimeSpan.FromSeconds(0.2));
        Assert.False(cache.TryGet([1f, 2f, 3f], out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Keys_CompareExactValues_NotJustHashes()
    {
        var cache = new PredictionCache(TimeSpan.FromSeconds(10), 100, _time);
        cache.Add([1f, 2f], [Row(1)]);

        Assert.False(cache.TryGet([1f, 2.0000002f], out _));
        Assert.False(cache.TryGet([1f], out _));
        Assert.False(cache.TryGet([1f, 2f, 0f], out _));
        Assert.True(cache.TryGet([1f, 2f], out _));

        cache.Add([0f], [Row(0)]);
        Assert.False(cache.TryGet([-0f], out _));
    }

    [Fact]
    public void BeyondCapacity_TheLeastRecentlyUsedIsEvicted()
    {
        var cache = new PredictionCache(TimeSpan.FromMinutes(1), 2, _time);
        cache.Add([1f], [Row(1)]);
        cache.Add([2f], [Row(2)]);
        Assert.True(cache.TryGet([1f], out _));

        cache.Add([3f], [Row(3)]);

        Assert.Equal(2, cache.Count);
        Assert.True(cache.TryGet([1f], out _));
        Assert.False(cache.TryGet([2f], out _));
        Assert.True(cache.TryGet([3f], out var third));
        Assert.Equal(3, third[0].Prediction);
    }

    [Fact]
    public void Adding_TheSameFeaturesAgain_ReplacesTheEntry()
    {
        var cache = new PredictionCache(TimeSpan.FromSeconds(10), 10, _time);
        cache.Add([5f], [Row(1)]);
        cache.Add([5f], [Row(2)]);

        Assert.Equal(1, cache.Count);
        Assert.True(cache.TryGet([5f], out var rows));
        Assert.Equal(2, rows[0].Prediction);
    }

    private static RowPrediction Row(int prediction) => new(prediction, null, null, null);
}
