using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;
using OrleansInference.Contracts.Inference;
using OrleansInference.Grains.Telemetry;

namespace OrleansInference.Grains.Batching;

/// <summary>Executor workers: one loop per instance that waits for a due batch, runs it and settles every item.</summary>
public sealed partial class DynamicBatcher<TRequest, TResponse>
{
    /// <summary>Test seam: called when a worker parks, with how long it waits for more rows (null: until woken).</summary>
    internal Action<int, TimeSpan?>? WorkerParked { get; set; }

    private async Task RunWorkerAsync(Worker worker)
    {
        while (await NextBatchAsync(worker))
        {
            try
            {
                await ExecuteBatchAsync(worker);
            }
            finally
            {
                Interlocked.Decrement(ref _executing);
            }
        }
    }

    /// <summary>Waits until a batch is formed into the worker's batch (true) or the batcher has drained (false).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> NextBatchAsync(Worker worker)
    {
        var yields = 0;
        while (true)
        {
            ValueTask wait = default;
            TimeSpan? parkedFor = null;
            BatchItem<TRequest, TResponse>? expired = null;
            Worker? another = null;
            bool formed, exit = false, yieldOnly = false;
            lock (_lock)
            {
                formed = TryFormBatchLocked(worker.Batch, yields, out var delay, ref expired);
                if (formed)
                {
                    Interlocked.Increment(ref _executing);

                    // More is queued: let another free instance form the next batch concurrently.
                    if (_queuedCount > 0)
                    {
                        another = PopIdleLocked();
                    }
                }
                else if (!_accepting && _queuedCount == 0)
                {
                    exit = true;
                }
                else if (delay is { } shortDelay && (shortDelay == TimeSpan.Zero || shortDelay < _yieldBelow))
                {
                    // Let the requests behind this one on the thread pool run (and join the batch), then look again.
                    yieldOnly = true;
                }
                else
                {
                    wait = worker.PrepareWaitLocked();
                    _idle[_idleCount++] = worker;
                    parkedFor = delay;
                    if (delay is { } due)
                    {
                        worker.DelayTimer.Change(due, Timeout.InfiniteTimeSpan);
                    }
                }
            }

            CompleteExpired(expired);
            another?.Signal();
            if (formed)
            {
                return true;
            }

            if (exit)
            {
                return false;
            }

            if (yieldOnly)
            {
                yields++;
                await Task.Yield();
                continue;
            }

            WorkerParked?.Invoke(worker.Instance, parkedFor);
            await wait;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ExecuteBatchAsync(Worker worker)
    {
        var batch = worker.Batch;

        // Counted before the executor runs: callers may observe their results (and read statistics) before it returns.
        RecordDispatch(batch.Rows);
        using var activity = ServingTracing.Source.HasListeners() ? StartBatchActivity(batch, worker.Instance) : null;
        var start = _time.GetTimestamp();
        try
        {
            await _executor.ExecuteAsync(batch, worker.Instance, _abort.Token);
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            var aborted = ex is OperationCanceledException && _abort.IsCancellationRequested;
            Log.ExecutorFailed(_logger, worker.Instance, batch.Count, batch.Rows, ex);
            var message = aborted ? "The model version stopped before the request ran." : $"Model execution failed: {ex.Message}";
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Fail(aborted ? InferenceStatus.Unavailable : InferenceStatus.ModelFailure, message);
            }
        }

        Interlocked.Add(ref _computeNs, TicksToNs(_time.GetElapsedTime(start)));
        var forgotten = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            if (batch[i].Fail(InferenceStatus.ModelFailure, "The executor returned without completing the request."))
            {
                forgotten++;
            }
        }

        if (forgotten > 0)
        {
            Log.ItemsNotCompleted(_logger, worker.Instance, forgotten, batch.Count);
        }

        batch.Clear();
    }

    /// <summary>
    /// The batch's span: its parent is the first traced request's span (on the inline path, the caller's), and every
    /// traced request is linked, so each request's trace reaches the batch that ran it. Tags: rows, requests, instance.
    /// </summary>
    private static Activity? StartBatchActivity(Batch<TRequest, TResponse> batch, int instance)
    {
        ActivityContext parent = default;
        List<ActivityLink>? links = null;
        for (var i = 0; i < batch.Count; i++)
        {
            var context = batch[i].TraceParent;
            if (context == default)
            {
                continue;
            }

            if (parent == default)
            {
                parent = context;
            }

            (links ??= []).Add(new ActivityLink(context));
        }

        var activity = ServingTracing.Source.StartActivity(ServingTracing.BatchName, ActivityKind.Internal, parent, tags: null, links: links);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("oi.batch.size", batch.Rows);
            activity.SetTag("oi.batch.requests", batch.Count);
            activity.SetTag("oi.batch.instance", instance);
        }

        return activity;
    }

    private Worker? PopIdleLocked()
    {
        if (_idleCount == 0)
        {
            return null;
        }

        var worker = _idle[--_idleCount];
        _idle[_idleCount] = null!;
        worker.Waiting = false;
        return worker;
    }

    private void OnDelayElapsed(Worker worker)
    {
        lock (_lock)
        {
            if (!worker.Waiting)
            {
                return;
            }

            var index = Array.IndexOf(_idle, worker, 0, _idleCount);
            _idle[index] = _idle[--_idleCount];
            _idle[_idleCount] = null!;
            worker.Waiting = false;
        }

        worker.Signal();
    }

    /// <summary>One executor instance: its reusable batch, its wake-up signal and its queue-delay timer.</summary>
    private sealed class Worker : IValueTaskSource, IDisposable
    {
        private ManualResetValueTaskSourceCore<bool> _signal;

        public Worker(DynamicBatcher<TRequest, TResponse> owner, int instance, int capacity)
        {
            _signal.RunContinuationsAsynchronously = true;
            Instance = instance;
            Batch = new Batch<TRequest, TResponse>(capacity);
            DelayTimer = owner._time.CreateTimer(
                static s => ((Worker)s!).Owner.OnDelayElapsed((Worker)s!), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            Owner = owner;
        }

        public DynamicBatcher<TRequest, TResponse> Owner { get; }

        public int Instance { get; }

        public Batch<TRequest, TResponse> Batch { get; }

        public ITimer DelayTimer { get; }

        /// <summary>True while parked in the idle list; guarded by the batcher's lock. Whoever clears it signals once.</summary>
        public bool Waiting { get; set; }

        public ValueTask PrepareWaitLocked()
        {
            _signal.Reset();
            Waiting = true;
            return new ValueTask(this, _signal.Version);
        }

        public void Signal() => _signal.SetResult(true);

        public void Dispose() => DelayTimer.Dispose();

        void IValueTaskSource.GetResult(short token) => _signal.GetResult(token);

        ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _signal.GetStatus(token);

        void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _signal.OnCompleted(continuation, state, token, flags);
    }
}
