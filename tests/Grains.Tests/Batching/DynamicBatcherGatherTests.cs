using Microsoft.Extensions.Time.Testing;
using OrleansInference.Contracts.Inference;
using OrleansInference.Grains.Batching;

namespace OrleansInference.Grains.Tests.Batching;

/// <summary>
/// Gathering under load: an idle instance with dispatch-when-idle does not run a lone request at once while other
/// thread-pool work is pending (likely more requests on their way), so those requests join its batch.
/// </summary>
public sealed class DynamicBatcherGatherTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly ScriptedExecutor _executor = new();
    private volatile bool _busy = true;

    [Fact]
    public async Task Lone_request_waits_while_work_is_pending_and_requests_behind_it_join_its_batch()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var batcher = await CreateParkedAsync(new DynamicBatcherOptions { MaxBatchSize = 8, MaxQueueDelay = TimeSpan.FromHours(1), DispatchWhenIdle = true }, time);

        var first = batcher.EnqueueAsync(1, 1, RequestPriority.RealTime, null, CancellationToken.None);
        Assert.False(first.IsCompleted, "With other work pending, a lone request should queue for company, not run on the caller's thread.");
        var second = batcher.EnqueueAsync(2, 1, RequestPriority.RealTime, null, CancellationToken.None).AsTask();
        var third = batcher.EnqueueAsync(3, 2, RequestPriority.RealTime, null, CancellationToken.None).AsTask();
        await Task.Delay(50);
        Assert.Empty(_executor.Batches);

        _busy = false;
        var results = await Task.WhenAll(first.AsTask(), second, third).WaitAsync(Timeout);

        Assert.Equal([10, 20, 30], results.Select(r => r.Value));
        var batch = Assert.Single(_executor.Batches);
        Assert.Equal([1, 2, 3], batch.Ids);
        Assert.Equal(4, batch.Rows);
    }

    [Fact]
    public async Task Gathering_dispatches_at_a_preferred_batch_size_without_waiting_for_the_pool_to_drain()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var batcher = await CreateParkedAsync(
            new DynamicBatcherOptions { MaxBatchSize = 8, MaxQueueDelay = TimeSpan.FromHours(1), DispatchWhenIdle = true, PreferredBatchSizes = [4] }, time);

        var pending = Enumerable.Range(1, 4).Select(i => batcher.EnqueueAsync(i, 1, RequestPriority.RealTime, null, CancellationToken.None).AsTask()).ToArray();
        var results = await Task.WhenAll(pending).WaitAsync(Timeout);

        Assert.Equal([10, 20, 30, 40], results.Select(r => r.Value));
        Assert.True(_busy);
        Assert.All(_executor.Batches, b => Assert.Equal(4, b.Rows));
    }

    [Fact]
    public async Task Gathering_ends_when_the_oldest_request_has_waited_the_queue_delay()
    {
        await using var batcher = await CreateParkedAsync(
            new DynamicBatcherOptions { MaxBatchSize = 8, MaxQueueDelay = TimeSpan.FromMilliseconds(20), DispatchWhenIdle = true }, TimeProvider.System);
        var started = System.Diagnostics.Stopwatch.StartNew();

        var result = await batcher.EnqueueAsync(7, 1, RequestPriority.RealTime, null, CancellationToken.None).AsTask().WaitAsync(Timeout);

        Assert.Equal(70, result.Value);
        Assert.True(started.Elapsed >= TimeSpan.FromMilliseconds(19), $"Dispatched after {started.Elapsed.TotalMilliseconds:0.0} ms, before the 20 ms queue delay, although work stayed pending.");
        Assert.True(_busy);
    }

    [Fact]
    public async Task Gathering_gives_up_after_its_yield_budget()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var batcher = await CreateParkedAsync(new DynamicBatcherOptions { MaxBatchSize = 8, MaxQueueDelay = TimeSpan.FromHours(1), DispatchWhenIdle = true }, time, maxYields: 4);

        // The fake clock never moves, so only the yield budget can end the gather.
        var result = await batcher.EnqueueAsync(5, 1, RequestPriority.RealTime, null, CancellationToken.None).AsTask().WaitAsync(Timeout);

        Assert.Equal(50, result.Value);
        Assert.True(_busy);
    }

    private async Task<DynamicBatcher<int, int>> CreateParkedAsync(DynamicBatcherOptions options, TimeProvider time, int maxYields = int.MaxValue)
    {
        options.MoreWorkPending = () => _busy;
        var batcher = new DynamicBatcher<int, int>(options, _executor, time) { MaxGatherYields = maxYields };

        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (batcher.IdleInstances < options.Instances)
        {
            Assert.True(waited.Elapsed < Timeout, "The batcher's workers never parked.");
            await Task.Delay(5);
        }

        return batcher;
    }
}
