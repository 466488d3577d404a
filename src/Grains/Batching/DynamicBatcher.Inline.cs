using System.Runtime.CompilerServices;

namespace OrleansInference.Grains.Batching;

/// <summary>
/// The idle fast path. At low load a request finds the queue empty and an instance parked; queuing it would cost a
/// wake-up of the worker's thread and another of the caller's continuation (two thread-pool hops, each a few hundred
/// microseconds on an idle machine, far more than a small model's run). Instead the caller claims the parked worker,
/// runs the one-request batch on its own thread and hands the worker back. Requests arriving while an inline batch runs
/// queue behind it and the worker takes them. With a queue delay and dispatch-when-idle, a request does not take this
/// path while the thread pool holds other work: under load that work is mostly more requests, which a batch of one
/// would leave to run the model once each (see <see cref="DynamicBatcherOptions.MoreWorkPending"/>).
/// </summary>
public sealed partial class DynamicBatcher<TRequest, TResponse>
{
    /// <summary>Instances parked and waiting for work now (test seam).</summary>
    internal int IdleInstances
    {
        get
        {
            lock (_lock)
            {
                return _idleCount;
            }
        }
    }

    /// <summary>
    /// True when a new request would be dispatched alone and at once anyway: nothing is queued, an instance is parked,
    /// and the batcher has no reason to wait for more rows (no queue delay, or dispatch-when-idle with no batch running
    /// and no other thread-pool work that could bring more).
    /// </summary>
    private bool CanRunInlineLocked() =>
        _queuedCount == 0
        && _idleCount > 0
        && (_maxQueueDelay == TimeSpan.Zero || (_dispatchWhenIdle && Volatile.Read(ref _executing) == 0 && !_moreWorkPending()));

    /// <summary>Runs <paramref name="item"/> as a batch of one on <paramref name="worker"/>, claimed from the idle list.</summary>
    private ValueTask<BatchResult<TResponse>> RunInline(Worker worker, BatchItem<TRequest, TResponse> item)
    {
        item.Cancellation.Unregister();
        worker.Batch.Add(item);
        var pending = ExecuteBatchAsync(worker);
        if (!pending.IsCompleted)
        {
            return AwaitInlineAsync(pending, worker, item);
        }

        pending.GetAwaiter().GetResult();
        ReleaseInline(worker);
        return new ValueTask<BatchResult<TResponse>>(item, item.Version);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<BatchResult<TResponse>> AwaitInlineAsync(ValueTask pending, Worker worker, BatchItem<TRequest, TResponse> item)
    {
        try
        {
            await pending;
        }
        finally
        {
            ReleaseInline(worker);
        }

        return await new ValueTask<BatchResult<TResponse>>(item, item.Version);
    }

    /// <summary>
    /// Hands the claimed worker back. Its wait from before it was claimed is still pending, so it can be parked again
    /// as it was; if requests queued meanwhile, or the batcher is stopping, it is woken to take them or to exit.
    /// </summary>
    private void ReleaseInline(Worker worker)
    {
        Interlocked.Decrement(ref _executing);
        bool wake;
        lock (_lock)
        {
            wake = _queuedCount > 0 || !_accepting;
            if (!wake)
            {
                worker.Waiting = true;
                _idle[_idleCount++] = worker;
            }
        }

        if (wake)
        {
            worker.Signal();
        }
    }
}
