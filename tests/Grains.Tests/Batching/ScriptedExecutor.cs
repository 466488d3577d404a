using System.Collections.Concurrent;
using OrleansInference.Grains.Batching;

namespace OrleansInference.Grains.Tests.Batching;

/// <summary>One executed batch as the executor saw it.</summary>
internal sealed record ExecutedBatch(int Instance, int[] Ids, int Rows);

/// <summary>Answers each request id with id × 10, records batches, and runs an optional hook first.</summary>
internal sealed class ScriptedExecutor : IBatchExecutor<int, int>
{
    public ConcurrentQueue<ExecutedBatch> Batches { get; } = new();

    public Func<Batch<int, int>, int, Task>? Before { get; set; }

    /// <summary>How many items to complete; the rest are left for the batcher to fail.</summary>
    public int? CompleteOnly { get; set; }

    public async ValueTask ExecuteAsync(Batch<int, int> batch, int instance, CancellationToken cancellationToken)
    {
        var ids = new int[batch.Count];
        var offset = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            Assert.Equal(offset, batch[i].RowOffset);
            offset += batch[i].Rows;
            ids[i] = batch[i].Request;
        }

        Assert.Equal(offset, batch.Rows);
        Batches.Enqueue(new ExecutedBatch(instance, ids, batch.Rows));
        if (Before is { } hook)
        {
            await hook(batch, instance);
        }

        var complete = Math.Min(CompleteOnly ?? batch.Count, batch.Count);
        for (var i = 0; i < complete; i++)
        {
            batch[i].Complete(batch[i].Request * 10);
        }
    }
}

/// <summary>Holds the first batch in the executor until released, so later requests queue behind it.</summary>
internal sealed class FirstBatchGate
{
    private int _calls;

    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task HoldFirstAsync(Batch<int, int> batch, int instance)
    {
        if (Interlocked.Increment(ref _calls) != 1)
        {
            return Task.CompletedTask;
        }

        Entered.TrySetResult();
        return Release.Task;
    }
}
