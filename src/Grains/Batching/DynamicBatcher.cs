using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansInference.Contracts.Inference;

namespace OrleansInference.Grains.Batching;

/// <summary>
/// Triton-style dynamic batcher. Requests queue by priority (real-time before offline, FIFO within each); a free
/// executor instance takes queued requests up to <see cref="DynamicBatcherOptions.MaxBatchSize"/> rows, dispatching at
/// once when the rows reach the maximum or a preferred size, otherwise when the oldest request has waited
/// <see cref="DynamicBatcherOptions.MaxQueueDelay"/>. Requests are never split; a request larger than the maximum
/// runs alone in its own batch (the executor runs any row count, so it is served rather than rejected).
/// Flow control is by status, never by exception: a full queue answers QueueFull with a retry estimate, a deadline
/// that passes while queued answers DeadlineExceeded at that moment, a caller's cancellation answers Cancelled and
/// removes the request, and a batcher that stopped accepting answers Unavailable. Deadlines and cancellation apply
/// while a request is queued; a dispatched request completes with its batch. A request that would be dispatched alone
/// at once (nothing queued, an instance idle, no reason to wait) runs on the caller's thread, skipping two thread hops.
/// Under load an idle instance with dispatch-when-idle does not run at once while the thread pool holds other work
/// (mostly requests on their way here): it yields to that work, at most for the queue delay, so they share one run.
/// </summary>
public sealed partial class DynamicBatcher<TRequest, TResponse> : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly IBatchExecutor<TRequest, TResponse> _executor;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _maxBatchSize;
    private readonly TimeSpan _maxQueueDelay;
    private readonly bool _dispatchWhenIdle;
    private readonly Func<bool> _moreWorkPending;
    private readonly TimeSpan _yieldBelow;
    private readonly bool[] _preferred;
    private readonly int _maxQueueSize;
    private readonly TimeSpan? _defaultTimeout;
    private readonly int _instances;
    private readonly ItemList[] _queues = new ItemList[2];
    private readonly Worker[] _workers;
    private readonly Worker[] _idle;
    private readonly ITimer _deadlineTimer;
    private readonly CancellationTokenSource _abort = new();
    private readonly Task _completion;
    private int _idleCount;
    private int _queuedCount;

    /// <summary>Batches executing now; written under the lock when formed, decremented when they finish.</summary>
    private int _executing;
    private long _queuedRows;
    private bool _accepting = true;
    private DateTimeOffset _deadlineArmedFor = DateTimeOffset.MaxValue;
    private int _disposed;

    /// <summary>Creates the batcher and starts one worker per instance.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public DynamicBatcher(DynamicBatcherOptions options, IBatchExecutor<TRequest, TResponse> executor, TimeProvider timeProvider, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.Validate();
        _executor = executor;
        _time = timeProvider;
        _logger = logger ?? NullLogger.Instance;
        _maxBatchSize = options.MaxBatchSize;
        _maxQueueDelay = options.MaxQueueDelay;
        _dispatchWhenIdle = options.DispatchWhenIdle;
        _maxQueueSize = options.MaxQueueSize;
        _defaultTimeout = options.DefaultTimeout;
        _instances = options.Instances;
        _preferred = new bool[_maxBatchSize + 1];
        foreach (var size in options.PreferredBatchSizes)
        {
            _preferred[size] = true;
        }

        _batchSizes = new long[_maxBatchSize + 1];
        _moreWorkPending = options.MoreWorkPending ?? NeverPending;
        _yieldBelow = options.YieldBelow;
        _deadlineTimer = timeProvider.CreateTimer(static s => ((DynamicBatcher<TRequest, TResponse>)s!).OnDeadlineTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _workers = new Worker[_instances];
        _idle = new Worker[_instances];
        var tasks = new Task[_instances];
        for (var i = 0; i < _instances; i++)
        {
            _workers[i] = new Worker(this, i, _maxBatchSize);
        }

        for (var i = 0; i < _instances; i++)
        {
            var worker = _workers[i];
            tasks[i] = Task.Run(() => RunWorkerAsync(worker));
        }

        _completion = Task.WhenAll(tasks);
    }


    /// <summary>
    /// Most times an idle worker yields to pending thread-pool work before dispatching what it has: a bound for when
    /// that work never turns into requests, besides the queue delay (test seam).
    /// </summary>
    internal int MaxGatherYields { get; set; } = 32;

    private static readonly Func<bool> NeverPending = static () => false;

    /// <summary>Requests waiting in the queue now.</summary>
    public int QueuedRequests => Volatile.Read(ref _queuedCount);

    /// <summary>False once <see cref="StopAcceptingAsync"/> or <see cref="DisposeAsync"/> was called.</summary>
    public bool IsAccepting => Volatile.Read(ref _accepting);

    /// <summary>Completes when every worker has exited after a stop and the queue has drained.</summary>
    public Task Completion => _completion;

    /// <summary>Queues a request and completes when its batch has run, or with the status that kept it from running.</summary>
    /// <param name="request">The request, handed to the executor unchanged.</param>
    /// <param name="rows">Rows it contributes to a batch; at least 1.</param>
    /// <param name="priority">Real-time requests are batched before offline ones.</param>
    /// <param name="deadline">When to give up while queued; null uses <see cref="DynamicBatcherOptions.DefaultTimeout"/>.</param>
    /// <param name="cancellationToken">Removes the request from the queue with status Cancelled.</param>
    public ValueTask<BatchResult<TResponse>> EnqueueAsync(TRequest request, int rows, RequestPriority priority, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        if (rows < 1)
        {
            return Reject(InferenceStatus.InvalidInput, $"A request must have at least one row; it had {rows}.");
        }

        if (priority is not (RequestPriority.RealTime or RequestPriority.Offline))
        {
            return Reject(InferenceStatus.InvalidInput, $"Unknown request priority {(int)priority}.");
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return Reject(InferenceStatus.Cancelled, "The request was cancelled before it was queued.");
        }

        var now = _time.GetUtcNow();
        var due = deadline ?? (_defaultTimeout is { } timeout ? now + timeout : DateTimeOffset.MaxValue);
        if (due <= now)
        {
            return Reject(InferenceStatus.DeadlineExceeded, "The request's deadline passed before it was queued.");
        }

        if (!Volatile.Read(ref _accepting))
        {
            return Reject(InferenceStatus.Unavailable, StoppedMessage);
        }

        if (Volatile.Read(ref _queuedCount) >= _maxQueueSize)
        {
            return Reject(InferenceStatus.QueueFull, QueueFullMessage, EstimateRetryAfter());
        }

        var item = new BatchItem<TRequest, TResponse>(this, request, rows, priority, _time.GetTimestamp(), now, due);
        if (Telemetry.ServingTracing.Source.HasListeners() && System.Diagnostics.Activity.Current is { } traced)
        {
            item.TraceParent = traced.Context;
        }

        if (cancellationToken.CanBeCanceled)
        {
            // Registered before the item is linked so the worker that dispatches it can always unregister it.
            item.Cancellation = cancellationToken.UnsafeRegister(static s => OnCancelled((BatchItem<TRequest, TResponse>)s!), item);
        }

        var rejected = InferenceStatus.Ok;
        Worker? wake = null;
        Worker? inline = null;
        lock (_lock)
        {
            if (!_accepting)
            {
                rejected = InferenceStatus.Unavailable;
            }
            else if (_queuedCount >= _maxQueueSize)
            {
                rejected = InferenceStatus.QueueFull;
            }
            else if (cancellationToken.IsCancellationRequested)
            {
                rejected = InferenceStatus.Cancelled;
            }
            else if (CanRunInlineLocked())
            {
                inline = PopIdleLocked()!;
                Interlocked.Increment(ref _executing);
                item.Dispatched = true;
            }
            else
            {
                LinkLocked(item);
                if (due < _deadlineArmedFor)
                {
                    _deadlineArmedFor = due;
                    _deadlineTimer.Change(due - now, Timeout.InfiniteTimeSpan);
                }

                wake = PopIdleLocked();
            }
        }

        if (inline is not null)
        {
            return RunInline(inline, item);
        }

        if (rejected != InferenceStatus.Ok)
        {
            item.Cancellation.Unregister();
            item.TrySetResult(rejected switch
            {
                InferenceStatus.Unavailable => Failure(rejected, StoppedMessage),
                InferenceStatus.QueueFull => Failure(rejected, QueueFullMessage, EstimateRetryAfter()),
                _ => Failure(rejected, "The request was cancelled before it was queued."),
            });
        }
        else
        {
            wake?.Signal();
        }

        return new ValueTask<BatchResult<TResponse>>(item, item.Version);
    }

    /// <summary>
    /// Stops accepting requests (new ones get Unavailable), runs everything already queued, and completes when the last
    /// batch has finished. If <paramref name="cancellationToken"/> fires first, the drain is abandoned: queued requests
    /// fail with Unavailable, running executors see their token cancelled, and this throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public async Task StopAcceptingAsync(CancellationToken cancellationToken)
    {
        Worker[]? wake = null;
        lock (_lock)
        {
            if (_accepting)
            {
                _accepting = false;
                wake = _idle[.._idleCount];
                Array.Clear(_idle, 0, _idleCount);
                _idleCount = 0;
                foreach (var worker in wake)
                {
                    worker.Waiting = false;
                }
            }
        }

        if (wake is not null)
        {
            var queued = Volatile.Read(ref _queuedCount);
            Log.Draining(_logger, queued);
            foreach (var worker in wake)
            {
                worker.Signal();
            }
        }

        try
        {
            await _completion.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Abort();
            throw;
        }
    }

    /// <summary>Drains like <see cref="StopAcceptingAsync"/> without a time limit, then releases timers.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            await _completion;
            return;
        }

        await StopAcceptingAsync(CancellationToken.None);
        _deadlineTimer.Dispose();
        foreach (var worker in _workers)
        {
            worker.Dispose();
        }

        _abort.Dispose();
    }

    private const string StoppedMessage = "The model version is not accepting requests; it is draining or unloaded.";

    private const string QueueFullMessage = "The model version's request queue is full.";

    private static BatchResult<TResponse> Failure(InferenceStatus status, string error, TimeSpan? retryAfter = null) => new(status, default, error, retryAfter);

    private ValueTask<BatchResult<TResponse>> Reject(InferenceStatus status, string error, TimeSpan? retryAfter = null)
    {
        RecordRejection(status);
        return new ValueTask<BatchResult<TResponse>>(Failure(status, error, retryAfter));
    }

    /// <summary>Fails every queued request with Unavailable and cancels running executors.</summary>
    private void Abort()
    {
        BatchItem<TRequest, TResponse>? removed = null;
        lock (_lock)
        {
            for (var p = 0; p < _queues.Length; p++)
            {
                while (_queues[p].Head is { } item)
                {
                    UnlinkLocked(item);
                    item.NextRemoved = removed;
                    removed = item;
                }
            }
        }

        _abort.Cancel();
        var count = 0;
        for (var item = removed; item is not null; item = item.NextRemoved)
        {
            item.Cancellation.Unregister();
            item.TrySetResult(Failure(InferenceStatus.Unavailable, "The model version stopped before the request ran."));
            count++;
        }

        Log.DrainAbandoned(_logger, count);
    }
}
