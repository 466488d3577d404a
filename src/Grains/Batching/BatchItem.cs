using System.Threading.Tasks.Sources;
using OrleansInference.Contracts.Inference;

namespace OrleansInference.Grains.Batching;

/// <summary>
/// One request in a dynamic batcher: queued, then part of a batch, completed exactly once. It is also the awaitable
/// its caller waits on, so a request costs this one allocation. Continuations run asynchronously, never on the
/// executor's thread.
/// </summary>
public sealed class BatchItem<TRequest, TResponse> : IValueTaskSource<BatchResult<TResponse>>
{
    private readonly DynamicBatcher<TRequest, TResponse> _owner;
    private ManualResetValueTaskSourceCore<BatchResult<TResponse>> _core;
    private int _completed;

    internal BatchItem(DynamicBatcher<TRequest, TResponse> owner, TRequest request, int rows, RequestPriority priority, long enqueuedTimestamp, DateTimeOffset enqueuedAt, DateTimeOffset deadline)
    {
        _owner = owner;
        _core.RunContinuationsAsynchronously = true;
        Request = request;
        Rows = rows;
        Priority = priority;
        EnqueuedTimestamp = enqueuedTimestamp;
        EnqueuedAt = enqueuedAt;
        Deadline = deadline;
    }

    /// <summary>The caller's request.</summary>
    public TRequest Request { get; }

    /// <summary>Rows this request contributes to the batch.</summary>
    public int Rows { get; }

    /// <summary>Index of this request's first row in the batch; items are laid out in order.</summary>
    public int RowOffset { get; internal set; }

    /// <summary>The request's scheduling class.</summary>
    public RequestPriority Priority { get; }

    /// <summary>When the request was enqueued.</summary>
    public DateTimeOffset EnqueuedAt { get; }

    /// <summary>True once completed or failed.</summary>
    public bool IsCompleted => Volatile.Read(ref _completed) != 0;

    internal DynamicBatcher<TRequest, TResponse> Owner => _owner;

    internal long EnqueuedTimestamp { get; }

    /// <summary>The span that queued the request, when tracing was listened to then; the batch's span links it.</summary>
    internal System.Diagnostics.ActivityContext TraceParent { get; set; }

    /// <summary>Deadline while queued; <see cref="DateTimeOffset.MaxValue"/> for none.</summary>
    internal DateTimeOffset Deadline { get; }

    // Queue links and flags; guarded by the batcher's lock.
    internal BatchItem<TRequest, TResponse>? Previous { get; set; }

    internal BatchItem<TRequest, TResponse>? Next { get; set; }

    internal BatchItem<TRequest, TResponse>? NextRemoved { get; set; }

    internal bool Queued { get; set; }

    internal bool Dispatched { get; set; }

    internal CancellationTokenRegistration Cancellation { get; set; }

    internal short Version => _core.Version;

    /// <summary>Completes the request with the executor's response. False if it was already completed.</summary>
    public bool Complete(TResponse response) => TrySetResult(new BatchResult<TResponse>(InferenceStatus.Ok, response));

    /// <summary>Fails the request. False if it was already completed.</summary>
    /// <param name="status">Any status but Ok, usually ModelFailure or InvalidInput.</param>
    /// <param name="error">A sentence naming the model and the problem.</param>
    public bool Fail(InferenceStatus status, string error)
    {
        if (status == InferenceStatus.Ok)
        {
            throw new ArgumentException("A request cannot fail with status Ok; call Complete instead.", nameof(status));
        }

        return TrySetResult(new BatchResult<TResponse>(status, default, error));
    }

    internal bool TrySetResult(BatchResult<TResponse> result)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return false;
        }

        _owner.RecordCompletion(this, result.Status);
        _core.SetResult(result);
        return true;
    }

    BatchResult<TResponse> IValueTaskSource<BatchResult<TResponse>>.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<BatchResult<TResponse>>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<BatchResult<TResponse>>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
