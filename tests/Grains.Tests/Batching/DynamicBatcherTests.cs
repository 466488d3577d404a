using Microsoft.Extensions.Time.Testing;
using OrleansInference.Contracts.Inference;
using OrleansInference.Grains.Batching;

namespace OrleansInference.Grains.Tests.Batching;

public sealed class DynamicBatcherTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly ScriptedExecutor _executor = new();
    private readonly FirstBatchGate _gate = new();

    [Fact]
    public async Task Concurrent_single_row_requests_run_in_batches()
    {
        await using var batcher = Create(new DynamicBatcherOptions { MaxBatchSize = 8, MaxQueueDelay = TimeSpan.Zero });
        _executor.Before = _gate.HoldFirstAsync;

        var first = batcher.EnqueueAsync(0, 1, RequestPriority.RealTime, null, CancellationToken.None).AsTask();
        await _gate.Entered.Task.WaitAsync(Timeout);
        var rest = Enumerable.Range(1, 20).Select(i => batcher.EnqueueAsync(i, 1, RequestPriority.RealTime, null, CancellationToken.None).AsTask()).ToArray();
        _gate.Release.SetResult();
        var results = await Task.WhenAll([first, .. rest]).WaitAsync(Timeout);

        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal(InferenceStatus.Ok, results[i].Status);
            Assert.Equal(i * 10, results[i].Value);
        }

        var stats = batcher.Snapshot();
        Assert.Equal(new Dictionary<int, long> { [1] = 1, [8] = 2, [4] = 1 }, stats.BatchSizes);
        Assert.Equal(21, stats.InferenceCount);
        Assert.Equal(4, stats.ExecutionCount);
        Assert.Equal(21, stats.SuccessCount);
        Assert.Equal(0, stats.FailureCount);
        Assert.Equal(21, stats.RequestCount);
    }

    [Fact]
    public async Task Dispatch_when_idle_runs_a_lone_request_at_once_and_batches_what_queues_while_busy()
    {
        await using var batcher = Create(new DynamicBatcherOptions { MaxBatchSize = 8, MaxQueueDelay = TimeSpan.FromHours(1), DispatchWhenIdle = true });
        _executor.Before = _gate.HoldFirstAsync;

        // The fake clock never moves: nothing here may wait for the queue delay.
        var first = batcher.EnqueueAsync(0, 1, RequestPriority.RealTime, null, CancellationToken.None).AsTask();
        await _gate.Entered.Task.WaitAsync(Timeout);
        var queued = Enumerable.Range(1, 5).Select(i => batcher.EnqueueAsync(i, 1, RequestPriority.RealTime, null, CancellationToken.None).AsTask()).ToArray();
        await Task.Delay(50);
        Assert.All(queued, t => Assert.False(t.IsCompleted));
        _gate.Release.SetResult();
        var results = await Task.WhenAll([first, .. queued]).WaitAsync(Timeout);

        Assert.All(results, r => Assert.Equal(InferenceStatus.Ok, r.Status));
        Assert.Equal(new Dictionary<int, long> { [1] = 1, [5] = 1 }, batcher.Snapshot().BatchSizes);
        var lone = await batcher.EnqueueAsync(9, 1, RequestPriority.RealTime, null, CancellationToken.None).AsTask().WaitAsync(Timeout);
        Assert.Equal(90, lone.Value);
    }

    [Fact]
    public async Task Batches_never_exceed_max_batch_size_and_requests_are_never_split()
    {
        await using var batcher = Create(new DynamicBatcherOptions { MaxBatchSize = 8, MaxQueueDelay = TimeSpan.Zero });
        _executor.Before = _gate.HoldFirstAsync;
        var random = new Random(42);
        var rows = Enumerable.Range(0, 60).Select(_ => random.Next(1, 6)).ToArray();

        var first = batcher.EnqueueAsync(0, rows[0], RequestPriority.RealTime, null, CancellationToken.None).AsTask();
        await _gate.Entered.Task.WaitAsync(Timeout);
        var rest = Enumerable.Range(1, rows.Length - 1).Select(i => batcher.EnqueueAsync(i, rows[i], RequestPriority.RealTime, null, CancellationToken.None).AsTask()).ToArray();
        _gate.Release.SetResult();
        var results = await Task.WhenAll([first, .. rest]).WaitAsync(Timeout);

        Assert.All(results, r => Assert.Equal(InferenceStatus.Ok, r.Status));
        Assert.All(_executor.Batches, b => Assert.InRange(b.Rows, 1, 8));
        Assert.Equal(rows.Sum(), _executor.Batches.Sum(b => b.Rows));
        Assert.Equal(Enumerable.Range(0, rows.Length), _executor.Batches.SelectMany(b => b.Ids).Order());
        Assert.Contains(_executor.Batches, b => b.Ids.Length > 1);
    }

    [Fact]
    public async Task Preferred_batch_size_dispatches_without_waiting_for_the_queue_delay()
    {
        await using var batcher = Create(new DynamicBatcherOptions { MaxBatchSize = 16, PreferredBatchSizes = [4], MaxQueueDelay = TimeSpan.FromSeconds(1) });

        var calls = Enumerable.Range(0, 4).Select(i => batcher.EnqueueAsync(i, 1, RequestPriority.RealTime, null, CancellationToken.None).AsTask()).ToArray();
        var results = await Task.WhenAll(calls).WaitAsync(Timeout);

        Assert.All(results, r => Assert.Equal(InferenceStatus.Ok, r.Status));
        Assert.Equal(new Dictionary<int, long> { [4] = 1 }, batcher.Snapshot().BatchSizes);
    }

    [Fact]
    public async Task Partial_batch_waits_for_the_max_queue_delay()
    {
        await using var batcher = Create(new DynamicBatcherOptions { MaxBatchSize = 8, MaxQueueDelay = TimeSpan.FromSeconds(1), DefaultTimeout = null });
        var parked = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        batcher.WorkerParked = (_, delay) =>
        {
            if (delay is { } d)
            {
                parked.TrySetResult(d);
            }
        };

        var calls = Enumerable.Range(0, 3).Select(i => batcher.EnqueueAsync(i, 1, RequestPriority.RealTime, null, CancellationToken.None).AsTask()).ToArray();
        Assert.Equal(TimeSpan.FromSeconds(1), await parked.Task.WaitAsync(Timeout));
        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Empty(_executor.Batches);
        Assert.All(calls, c => Assert.False(c.IsCompleted));

        _time.Advance(TimeSpan.FromMilliseconds(1));
        var results = await Task.WhenAll(calls).WaitAsync(Timeout);

        Assert.All(results, r => Assert.Equal(InferenceStatus.Ok, r.Status));
        Assert.Equal([0, 1, 2], Assert.Single(_executor.Batches).Ids);
        Assert.Equal(1_000_000_000L * 3, batcher.Snapshot().QueueNs);
    }

    [Fact]
    public async Task Full_queue_answers_QueueFull_with_a_retry_estimate()
    {
        await using var batcher = Create(new DynamicBatcherOptions { MaxBatchSize = 4, MaxQueueDelay = TimeSpan.Zero, MaxQueueSize = 2 });
        _executor.Before = _gate.HoldFirstAsync;
        var first = batcher.EnqueueAsync(0, 1, RequestPriority.RealTime, null, CancellationToken.None).AsTask();
        await _gate.Entered.Task.WaitAsync(Timeout);
        var queued = new[] { 1, 2 }.Select(i => batcher.EnqueueAsync(i, 1, RequestPriority.RealTime, null, CancellationToken.None).AsTask()).ToArray();

        var rejected = await batcher.EnqueueAsync(3, 1, RequestPriority.RealTime, null, CancellationToken.None);

        Assert.Equal(InferenceStatus.QueueFull, rejected.Status);
        Assert.NotNull(rejected.Error);
        Assert.True(rejected.RetryAfter > TimeSpan.Zero, $"RetryAfter was {rejected.RetryAfter}.");
        _gate.Release.SetResult();
        Assert.All(await Task.WhenAll([first, .. queued]).WaitAsync(Timeout), r => Assert.Equal(InferenceStatus.Ok, r.Status));
        Assert.Equal(1, batcher.Snapshot().QueueFullCount);
    }

    [Fact]
    public async Task Deadline_passing_while_queued_answers_DeadlineExceeded_at_once()
    {
        await using var batcher = Create(new DynamicBatcherOptions { MaxBatchSize = 4, MaxQueueDelay = TimeSpan.Zero });
        _executor.Before = _gate.HoldFirstAsync;
        var first = batcher.EnqueueAsync(0, 1, RequestPriority.RealTime, null, CancellationToken.None).AsTask();
        await _gate.Entered.Task.WaitAsync(Timeout);
        var late = batcher.EnqueueAsync(1, 1, RequestPriority.RealTime, _time.GetUtcNow().AddMilliseconds(100), CancellationToken.None).AsTask();
        var defaulted = batcher.EnqueueAsync(2, 1, RequestPriority.RealTime, null, CancellationToken.None).AsTask();

        _time.Advance(TimeSpan.FromMilliseconds(100));
        var result = await late.WaitAsync(Timeout);
        Assert.Equal(InferenceStatus.DeadlineExceeded, result.Status);
        Assert.False(defaulted.IsCompleted);

        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(InferenceStatus.DeadlineExceeded, (await defaulted.WaitAsync(Timeout)).Status);
        _gate.Release.SetResult();
        Assert.Equal(InferenceStatus.Ok, (await first.WaitAsync(Timeout)).Status);
        Assert.DoesNotContain(_executor.Batches, b => b.Ids.Contains(1) || b.Ids.Contains(2));
        Assert.Equal(2, batcher.Snapshot().DeadlineExceededCount);
    }

    [Fact]
    public async Task Cancelled_request_is_removed_from_the_queue()
    {
        await using var batcher = Create(new DynamicBatcherOptions { MaxBatchSize = 4, MaxQueueDelay = TimeSpan.Zero });
        _executor.Before = _gate.HoldFirstAsync;
        var first = batcher.EnqueueAsync(0, 1, RequestPriority.RealTime, null, CancellationToken.None).AsTask();
        await _gate.Entered.Task.WaitAsync(Timeout);
        using var cts = new CancellationTokenSource();
        var cancelled = batcher.EnqueueAsync(1, 1, RequestPriority.RealTime, null, cts.Token).AsTask();
        var kept = batcher.EnqueueAsync(2, 1, RequestPriority.RealTime, null, CancellationToken.None).AsTask();

        await cts.CancelAsync();
        Assert.Equal(InferenceStatus.Cancelled, (await cancelled.WaitAsync(Timeout)).Status);
        Assert.Equal(1, batcher.QueuedRequests);

        _gate.Release.SetResult();
        Assert.Equal(20, (await kept.WaitAsync(Timeout)).Value);
        await first.WaitAsync(Timeout);
        Assert.DoesNotContain(_executor.Batches, b => b.Ids.Contains(1));
        Assert.Equal(1, batcher.Snapshot().CancelledCount);
    }

    [Fact]
    public async Task Queued_real_time_requests_are_batched_before_offline_ones()
    {
        await using var batcher = Create(new DynamicBatcherOptions { MaxBatchSize = 2, MaxQueueDelay = TimeSpan.Zero });
        _executor.Before = _gate.HoldFirstAsync;
        var first = batcher.EnqueueAsync(0, 1, RequestPriority.Offline, null, CancellationToken.None).AsTask();
        await _gate.Entered.Task.WaitAsync(Timeout);
        var offline = new[] { 11, 12, 13 }.Select(i => batcher.EnqueueAsync(i, 1, RequestPriority.Offline, null, CancellationToken.None).AsTask()).ToArray();
        var realTime = new[] { 21, 22, 23 }.Select(i => batcher.EnqueueAsync(i, 1, RequestPriority.RealTime, null, CancellationToken.None).AsTask()).ToArray();

        _gate.Release.SetResult();
        await Task.WhenAll([first, .. offline, .. realTime]).WaitAsync(Timeout);

        var order = _executor.Batches.Select(b => b.Ids).ToArray();
        Assert.Equal(4, order.Length);
        Assert.Equal([0], order[0]);
        Assert.Equal([21, 22], order[1]);
        Assert.Equal([23, 11], order[2]);
        Assert.Equal([12, 13], order[3]);
    }

    [Fact]
    public async Task Executor_exception_fails_every_item_with_ModelFailure()
    {
        await using var batcher = Create(new DynamicBatcherOptions { MaxBatchSize = 4, MaxQueueDelay = TimeSpan.Zero });
        _executor.Before = async (batch, instance) =>
        {
            await _gate.HoldFirstAsync(batch, instance);
            if (batch.Count > 1)
            {
                throw new InvalidOperationException("Session 'fraud/2' ran out of memory.");
            }
        };
        var first = batcher.EnqueueAsync(0, 1, RequestPriority.RealTime, null, CancellationToken.None).AsTask();
        await _gate.Entered.Task.WaitAsync(Timeout);
        var failing = Enumerable.Range(1, 3).Select(i => batcher.EnqueueAsync(i, 1, RequestPriority.RealTime, null, CancellationToken.None).AsTask()).ToArray();

        _gate.Release.SetResult();
        var results = await Task.WhenAll(failing).WaitAsync(Timeout);

        Assert.Equal(InferenceStatus.Ok, (await first).Status);
        Assert.All(results, r =>
        {
            Assert.Equal(InferenceStatus.ModelFailure, r.Status);
            Assert.Contains("Session 'fraud/2' ran out of memory.", r.Error, StringComparison.Ordinal);
        });
        Assert.Equal(3, batcher.Snapshot().FailureCount);
    }

    [Fact]
    public async Task Items_the_executor_did_not_complete_are_failed()
    {
        await using var batcher = Create(new DynamicBatcherOptions { MaxBatchSize = 4, PreferredBatchSizes = [2], MaxQueueDelay = TimeSpan.FromSeconds(1) });
        _executor.CompleteOnly = 1;

        var results = await Task.WhenAll(
            batcher.EnqueueAsync(1, 1, RequestPriority.RealTime, null, CancellationToken.None).AsTask(),
            batcher.EnqueueAsync(2, 1, RequestPriority.RealTime, null, CancellationToken.None).AsTask()).WaitAsync(Timeout);

        Assert.Equal(InferenceStatus.Ok, results[0].Status);
        Assert.Equal(InferenceStatus.ModelFailure, results[1].Status);
    }

    [Fact]
    public async Task Drain_finishes_queued_requests_and_rejects_new_ones_with_Unavailable()
    {
        var batcher = Create(new DynamicBatcherOptions { MaxBatchSize = 2, MaxQueueDelay = TimeSpan.FromSeconds(1) });
        _executor.Before = _gate.HoldFirstAsync;
        var first = batcher.EnqueueAsync(0, 2, RequestPriority.RealTime, null, CancellationToken.None).AsTask();
        await _gate.Entered.Task.WaitAsync(Timeout);
        var queued = Enumerable.Range(1, 5).Select(i => batcher.EnqueueAsync(i, 1, RequestPriority.RealTime, null, CancellationToken.None).AsTask()).ToArray();

        var draining = batcher.StopAcceptingAsync(CancellationToken.None);
        var rejected = await batcher.EnqueueAsync(9, 1, RequestPriority.RealTime, null, CancellationToken.None);
        Assert.Equal(InferenceStatus.Unavailable, rejected.Status);
        Assert.False(draining.IsCompleted);

        _gate.Release.SetResult();
        await draining.WaitAsync(Timeout);

        Assert.All(await Task.WhenAll([first, .. queued]).WaitAsync(Timeout), r => Assert.Equal(InferenceStatus.Ok, r.Status));
        Assert.Equal(0, batcher.QueuedRequests);
        await batcher.DisposeAsync();
    }

    [Fact]
    public async Task Instances_run_batches_concurrently()
    {
        await using var batcher = Create(new DynamicBatcherOptions { MaxBatchSize = 1, MaxQueueDelay = TimeSpan.Zero, Instances = 3 });
        var inside = 0;
        var allInside = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _executor.Before = async (_, _) =>
        {
            if (Interlocked.Increment(ref inside) == 3)
            {
                allInside.TrySetResult();
            }

            await release.Task;
        };

        var calls = Enumerable.Range(0, 3).Select(i => batcher.EnqueueAsync(i, 1, RequestPriority.RealTime, null, CancellationToken.None).AsTask()).ToArray();
        await allInside.Task.WaitAsync(Timeout);
        release.SetResult();
        await Task.WhenAll(calls).WaitAsync(Timeout);

        Assert.Equal([0, 1, 2], _executor.Batches.Select(b => b.Instance).Order());
    }

    [Fact]
    public async Task Request_larger_than_max_batch_size_runs_alone()
    {
        await using var batcher = Create(new DynamicBatcherOptions { MaxBatchSize = 4, MaxQueueDelay = TimeSpan.Zero });

        var result = await batcher.EnqueueAsync(7, 10, RequestPriority.RealTime, null, CancellationToken.None).AsTask().WaitAsync(Timeout);

        Assert.Equal(70, result.Value);
        Assert.Equal(new Dictionary<int, long> { [10] = 1 }, batcher.Snapshot().BatchSizes);
    }

    [Fact]
    public async Task Every_request_completes_under_concurrent_load_with_cancellations_on_the_real_clock()
    {
        var executor = new ScriptedExecutor();
        await using var batcher = new DynamicBatcher<int, int>(
            new DynamicBatcherOptions { MaxBatchSize = 16, MaxQueueDelay = TimeSpan.FromTicks(1000), Instances = 2, MaxQueueSize = 10_000 },
            executor,
            TimeProvider.System);
        using var cancel = new CancellationTokenSource();

        var calls = Enumerable.Range(0, 2000).Select(i => Task.Run(async () =>
        {
            if (i == 1000)
            {
                await cancel.CancelAsync();
            }

            return await batcher.EnqueueAsync(i, 1 + (i % 3), i % 2 == 0 ? RequestPriority.RealTime : RequestPriority.Offline, null, i % 5 == 0 ? cancel.Token : CancellationToken.None);
        })).ToArray();
        var results = await Task.WhenAll(calls).WaitAsync(Timeout);

        Assert.All(results, r => Assert.True(r.Status is InferenceStatus.Ok or InferenceStatus.Cancelled, $"Unexpected {r.Status}: {r.Error}"));
        var stats = batcher.Snapshot();
        Assert.Equal(2000, stats.RequestCount);
        Assert.Equal(results.Count(r => r.IsSuccess), stats.SuccessCount);
        Assert.Equal(results.Where(r => r.IsSuccess).Sum(r => 1 + (r.Value / 10 % 3)), stats.InferenceCount);
        Assert.All(stats.BatchSizes.Keys, rows => Assert.InRange(rows, 1, 16));
    }

    [Fact]
    public void Invalid_options_are_rejected_with_the_setting_named()
    {
        var options = new DynamicBatcherOptions { MaxBatchSize = 4, PreferredBatchSizes = [8] };

        var ex = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("PreferredBatchSizes contains 8", ex.Message, StringComparison.Ordinal);
    }

    private DynamicBatcher<int, int> Create(DynamicBatcherOptions options) => new(options, _executor, _time);
}
