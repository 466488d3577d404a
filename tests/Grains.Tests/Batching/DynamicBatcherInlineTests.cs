using Microsoft.Extensions.Time.Testing;
using OrleansInference.Contracts.Inference;
using OrleansInference.Grains.Batching;

namespace OrleansInference.Grains.Tests.Batching;

/// <summary>The idle fast path: a lone request on an idle batcher runs on the caller's thread.</summary>
public sealed class DynamicBatcherInlineTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly ScriptedExecutor _executor = new();
    private readonly FirstBatchGate _gate = new();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Lone_request_on_an_idle_batcher_completes_synchronously_on_the_callers_thread(bool dispatchWhenIdle)
    {
        var delay = dispatchWhenIdle ? TimeSpan.FromHours(1) : TimeSpan.Zero;
        await using var batcher = await CreateParkedAsync(new DynamicBatcherOptions { MaxBatchSize = 8, MaxQueueDelay = delay, DispatchWhenIdle = dispatchWhenIdle });
        var executorThread = -1;
        _executor.Before = (_, _) =>
        {
            executorThread = Environment.CurrentManagedThreadId;
            return Task.CompletedTask;
        };

        var pending = batcher.EnqueueAsync(4, 1, RequestPriority.RealTime, null, CancellationToken.None);

        Assert.True(pending.IsCompleted, "An idle batcher with nothing queued should run a lone request before returning.");
        Assert.Equal(Environment.CurrentManagedThreadId, executorThread);
        Assert.Equal(40, (await pending).Value);
        Assert.Equal(1, batcher.IdleInstances);

        // The worker handed back still takes queued work: the next request after a busy spell runs too.
        var again = await batcher.EnqueueAsync(5, 1, RequestPriority.RealTime, null, CancellationToken.None).AsTask().WaitAsync(Timeout);
        Assert.Equal(50, again.Value);
        var stats = batcher.Snapshot();
        Assert.Equal(2, stats.ExecutionCount);
        Assert.Equal(2, stats.SuccessCount);
    }

    [Fact]
    public async Task Requests_arriving_during_an_inline_batch_queue_and_the_worker_runs_them_as_one_batch()
    {
        await using var batcher = await CreateParkedAsync(new DynamicBatcherOptions { MaxBatchSize = 8, MaxQueueDelay = TimeSpan.FromHours(1), DispatchWhenIdle = true });
        _executor.Before = _gate.HoldFirstAsync;

        var first = batcher.EnqueueAsync(0, 1, RequestPriority.RealTime, null, CancellationToken.None).AsTask();
        await _gate.Entered.Task.WaitAsync(Timeout);
        Assert.Equal(0, batcher.IdleInstances);
        var queued = Enumerable.Range(1, 5).Select(i => batcher.EnqueueAsync(i, 1, RequestPriority.RealTime, null, CancellationToken.None).AsTask()).ToArray();
        Assert.Equal(5, batcher.QueuedRequests);
        _gate.Release.SetResult();

        var results = await Task.WhenAll([first, .. queued]).WaitAsync(Timeout);
        Assert.Equal([0, 10, 20, 30, 40, 50], results.Select(r => r.Value));
        Assert.Equal(new Dictionary<int, long> { [1] = 1, [5] = 1 }, batcher.Snapshot().BatchSizes);
    }

    [Fact]
    public async Task Queue_delay_without_dispatch_when_idle_still_waits_for_more_rows()
    {
        await using var batcher = await CreateParkedAsync(new DynamicBatcherOptions { MaxBatchSize = 8, MaxQueueDelay = TimeSpan.FromMilliseconds(5) });

        var pending = batcher.EnqueueAsync(1, 1, RequestPriority.RealTime, null, CancellationToken.None).AsTask();
        await Task.Delay(50);
        Assert.False(pending.IsCompleted);

        _time.Advance(TimeSpan.FromMilliseconds(5));
        Assert.Equal(10, (await pending.WaitAsync(Timeout)).Value);
    }

    [Fact]
    public async Task Stop_during_an_inline_batch_waits_for_it_and_runs_what_queued_behind_it()
    {
        var batcher = await CreateParkedAsync(new DynamicBatcherOptions { MaxBatchSize = 8, MaxQueueDelay = TimeSpan.Zero });
        _executor.Before = _gate.HoldFirstAsync;
        var first = batcher.EnqueueAsync(0, 1, RequestPriority.RealTime, null, CancellationToken.None).AsTask();
        await _gate.Entered.Task.WaitAsync(Timeout);
        var queued = batcher.EnqueueAsync(1, 1, RequestPriority.RealTime, null, CancellationToken.None).AsTask();

        var draining = batcher.StopAcceptingAsync(CancellationToken.None);
        await Task.Delay(50);
        Assert.False(draining.IsCompleted);
        _gate.Release.SetResult();
        await draining.WaitAsync(Timeout);

        Assert.Equal(0, (await first).Value);
        Assert.Equal(10, (await queued).Value);
        await batcher.DisposeAsync();
    }

    [Fact]
    public async Task Executor_exception_on_the_inline_path_fails_the_request_and_the_batcher_keeps_serving()
    {
        await using var batcher = await CreateParkedAsync(new DynamicBatcherOptions { MaxBatchSize = 8, MaxQueueDelay = TimeSpan.Zero });
        var calls = 0;
        _executor.Before = (_, _) => Interlocked.Increment(ref calls) == 1 ? throw new InvalidOperationException("boom") : Task.CompletedTask;

        var failed = await batcher.EnqueueAsync(1, 1, RequestPriority.RealTime, null, CancellationToken.None);
        var served = await batcher.EnqueueAsync(2, 1, RequestPriority.RealTime, null, CancellationToken.None).AsTask().WaitAsync(Timeout);

        Assert.Equal(InferenceStatus.ModelFailure, failed.Status);
        Assert.Contains("boom", failed.Error, StringComparison.Ordinal);
        Assert.Equal(20, served.Value);
    }

    private async Task<DynamicBatcher<int, int>> CreateParkedAsync(DynamicBatcherOptions options)
    {
        var batcher = new DynamicBatcher<int, int>(options, _executor, _time);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (batcher.IdleInstances < options.Instances)
        {
            Assert.True(waited.Elapsed < Timeout, "The batcher's workers never parked.");
            await Task.Delay(5);
        }

        return batcher;
    }
}
