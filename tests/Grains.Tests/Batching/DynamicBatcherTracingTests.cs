using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using OrleansInference.Contracts.Inference;
using OrleansInference.Grains.Batching;
using OrleansInference.Grains.Telemetry;

namespace OrleansInference.Grains.Tests.Batching;

/// <summary>
/// The batch's span: parented to the first traced request, linked to every one, tagged with its size; and nothing
/// recorded per request while no listener samples the serving source.
/// </summary>
public sealed class DynamicBatcherTracingTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly ScriptedExecutor _executor = new();
    private readonly FirstBatchGate _gate = new();

    [Fact]
    public async Task A_batch_span_is_parented_to_the_first_request_and_linked_to_every_request()
    {
        using var callers = new ActivitySource("test.callers." + Guid.NewGuid().ToString("N"));
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = Listen(callers.Name, ServingTracing.SourceName, stopped);
        await using var batcher = new DynamicBatcher<int, int>(new DynamicBatcherOptions { MaxBatchSize = 8, MaxQueueDelay = TimeSpan.Zero }, _executor, _time);
        _executor.Before = _gate.HoldFirstAsync;

        var first = batcher.EnqueueAsync(0, 1, RequestPriority.RealTime, null, CancellationToken.None).AsTask();
        await _gate.Entered.Task.WaitAsync(Timeout);
        var parents = new List<Activity>();
        var queued = new List<Task<BatchResult<int>>>();
        for (var i = 1; i <= 3; i++)
        {
            using var parent = callers.StartActivity("caller")!;
            parents.Add(parent);
            queued.Add(batcher.EnqueueAsync(i, 1, RequestPriority.RealTime, null, CancellationToken.None).AsTask());
        }

        _gate.Release.SetResult();
        await Task.WhenAll([first, .. queued]).WaitAsync(Timeout);

        var batches = await WaitForAsync(stopped, ServingTracing.BatchName, count: 2);
        var batch = Assert.Single(batches, b => b.Links.Any());
        Assert.Equal(parents[0].TraceId, batch.TraceId);
        Assert.Equal(parents[0].SpanId, batch.ParentSpanId);
        Assert.Equal(parents.Select(p => p.SpanId), batch.Links.Select(l => l.Context.SpanId));
        Assert.Equal(3, Convert.ToInt32(batch.GetTagItem("oi.batch.size"), CultureInfo.InvariantCulture));
        Assert.Equal(3, Convert.ToInt32(batch.GetTagItem("oi.batch.requests"), CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Without_a_listener_on_the_serving_source_no_request_carries_a_trace_context()
    {
        using var callers = new ActivitySource("test.callers." + Guid.NewGuid().ToString("N"));
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = Listen(callers.Name, serving: null, stopped);
        var seen = new ConcurrentQueue<ActivityContext>();
        await using var batcher = new DynamicBatcher<int, int>(new DynamicBatcherOptions { MaxBatchSize = 8, MaxQueueDelay = TimeSpan.Zero }, _executor, _time);
        _executor.Before = (batch, _) =>
        {
            for (var i = 0; i < batch.Count; i++)
            {
                seen.Enqueue(batch[i].TraceParent);
            }

            return Task.CompletedTask;
        };

        Assert.False(ServingTracing.Source.HasListeners());
        using (callers.StartActivity("caller"))
        {
            Assert.NotNull(Activity.Current);
            await batcher.EnqueueAsync(1, 1, RequestPriority.RealTime, null, CancellationToken.None).AsTask().WaitAsync(Timeout);
        }

        Assert.Equal(default, Assert.Single(seen));
        Assert.DoesNotContain(stopped, a => a.Source.Name == ServingTracing.SourceName);
    }

    private static ActivityListener Listen(string callers, string? serving, ConcurrentQueue<Activity> stopped)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == callers || source.Name == serving,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    private static async Task<List<Activity>> WaitForAsync(ConcurrentQueue<Activity> stopped, string name, int count)
    {
        var until = DateTime.UtcNow + Timeout;
        while (true)
        {
            var found = stopped.Where(a => a.OperationName == name).ToList();
            if (found.Count >= count || DateTime.UtcNow > until)
            {
                return found;
            }

            await Task.Delay(10);
        }
    }
}
