namespace OrleansInference.Grains.Batching;

/// <summary>Counters of a dynamic batcher since it was created, in the shape of Triton's statistics extension.</summary>
/// <param name="RequestCount">Requests completed, successfully or not (including rejections).</param>
/// <param name="InferenceCount">Rows dispatched to the executor (Triton's inference_count: a batch of 8 rows counts 8).</param>
/// <param name="ExecutionCount">Batches dispatched to the executor; counted when a batch starts, with <paramref name="BatchSizes"/>.</param>
/// <param name="SuccessCount">Requests completed with Ok.</param>
/// <param name="SuccessNs">Total time from enqueue to completion of successful requests, in nanoseconds.</param>
/// <param name="FailureCount">Requests completed with any other status.</param>
/// <param name="FailureNs">Total time from enqueue to completion of failed requests, in nanoseconds.</param>
/// <param name="QueueNs">Total time requests waited in the queue before dispatch, in nanoseconds.</param>
/// <param name="ComputeNs">Total time batches spent in the executor, in nanoseconds; added when the executor returns.</param>
/// <param name="QueueFullCount">Requests rejected because the queue was full.</param>
/// <param name="DeadlineExceededCount">Requests whose deadline passed while queued.</param>
/// <param name="CancelledCount">Requests cancelled by their caller while queued.</param>
/// <param name="QueuedRequests">Requests waiting now.</param>
/// <param name="BatchSizes">Dispatched batches by size in rows.</param>
public sealed record BatcherStatistics(
    long RequestCount,
    long InferenceCount,
    long ExecutionCount,
    long SuccessCount,
    long SuccessNs,
    long FailureCount,
    long FailureNs,
    long QueueNs,
    long ComputeNs,
    long QueueFullCount,
    long DeadlineExceededCount,
    long CancelledCount,
    int QueuedRequests,
    IReadOnlyDictionary<int, long> BatchSizes);
