using System.Buffers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansInference.Contracts.Experiments;
using OrleansInference.Grains.Experiments;
using OrleansInference.Grid.Experiments;

namespace OrleansInference.Grains.Tests.Experiments;

public sealed class ShadowAndLogTests
{
    [Fact]
    public void FullShadowQueue_DropsTheCopyAtOnce_InsteadOfWaiting()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var meter = new ExperimentMeter(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        var options = Options.Create(new ExperimentOptions { ShadowQueueCapacity = 2 });
        using var dispatcher = new ShadowDispatcher(grains: null!, grid: null!, meter, options, TimeProvider.System, NullLogger<ShadowDispatcher>.Instance);

        // The dispatcher is not started, so nothing drains the queue (and no grain is called): two copies fit, the third
        // is dropped.
        Assert.True(dispatcher.TryEnqueue(Work()));
        Assert.True(dispatcher.TryEnqueue(Work()));
        Assert.False(dispatcher.TryEnqueue(Work()));
    }

    [Fact]
    public void PredictionLog_IsBounded_EvictingTheOldest()
    {
        var log = new PredictionLog(Options.Create(new ExperimentOptions { PredictionLogCapacity = 1_000 }));
        var ids = Enumerable.Range(0, 1_500).Select(_ => Guid.CreateVersion7()).ToArray();
        foreach (var id in ids)
        {
            log.Add(id, new LoggedPrediction("e", "a", 1, "benign"));
        }

        Assert.Equal(1_000, log.Count);
        Assert.False(log.TryGet(ids[0], out _));
        Assert.True(log.TryGet(ids[^1], out var last));
        Assert.Equal("a", last.Variant);
    }

    private static ShadowWork Work() => new("e", "m", "2", ArrayPool<float>.Shared.Rent(4), 1, 4, [1.0]);
}
