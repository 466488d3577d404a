using OrleansInference.Contracts.Inference;

namespace OrleansInference.Grains.Batching;

/// <summary>Counters for <see cref="Snapshot"/>; updated with Interlocked, read without locks.</summary>
public sealed partial class DynamicBatcher<TRequest, TResponse>
{
    private readonly long[] _batchSizes;
    private readonly Dictionary<int, long> _oversizedBatches = [];
    private long _successCount;
    private long _successNs;
    private long _failureCount;
    private long _failureNs;
    private long _queueNs;
    private long _computeNs;
    private long _inferenceCount;
    private long _executionCount;
    private long _queueFullCount;
    private long _deadlineExceededCount;
    private long _cancelledCount;

    /// <summary>A consistent-enough copy of the counters (each read atomically).</summary>
    public BatcherStatistics Snapshot()
    {
        var sizes = new Dictionary<int, long>();
        for (var rows = 1; rows < _batchSizes.Length; rows++)
        {
            var count = Interlocked.Read(ref _batchSizes[rows]);
            if (count > 0)
            {
                sizes[rows] = count;
            }
        }

        lock (_oversizedBatches)
        {
            foreach (var (rows, count) in _oversizedBatches)
            {
                sizes[rows] = count;
            }
        }

        var success = Interlocked.Read(ref _successCount);
        var failure = Interlocked.Read(ref _failureCount);
        return new BatcherStatistics(
            success + failure,
            Interlocked.Read(ref _inferenceCount),
            Interlocked.Read(ref _executionCount),
            success,
            Interlocked.Read(ref _successNs),
            failure,
            Interlocked.Read(ref _failureNs),
            Interlocked.Read(ref _queueNs),
            Interlocked.Read(ref _computeNs),
            Interlocked.Read(ref _queueFullCount),
            Interlocked.Read(ref _deadlineExceededCount),
            Interlocked.Read(ref _cancelledCount),
            Volatile.Read(ref _queuedCount),
            sizes);
    }

    internal void RecordCompletion(BatchItem<TRequest, TResponse> item, InferenceStatus status)
    {
        var ns = TicksToNs(_time.GetElapsedTime(item.EnqueuedTimestamp));
        if (status == InferenceStatus.Ok)
        {
            Interlocked.Increment(ref _successCount);
            Interlocked.Add(ref _successNs, ns);
            return;
        }

        Interlocked.Add(ref _failureNs, ns);
        RecordRejection(status);
    }

    private void RecordRejection(InferenceStatus status)
    {
        Interlocked.Increment(ref _failureCount);
        switch (status)
        {
            case InferenceStatus.QueueFull:
                Interlocked.Increment(ref _queueFullCount);
                break;
            case InferenceStatus.DeadlineExceeded:
                Interlocked.Increment(ref _deadlineExceededCount);
                break;
            case InferenceStatus.Cancelled:
                Interlocked.Increment(ref _cancelledCount);
                break;
        }
    }

    private void RecordDispatch(int rows)
    {
        Interlocked.Increment(ref _executionCount);
        Interlocked.Add(ref _inferenceCount, rows);
        if (rows < _batchSizes.Length)
        {
            Interlocked.Increment(ref _batchSizes[rows]);
            return;
        }

        lock (_oversizedBatches)
        {
            _oversizedBatches[rows] = _oversizedBatches.GetValueOrDefault(rows) + 1;
        }
    }

    /// <summary>
    /// How long until the queue has room: the time to run what is queued at the recent average batch time, across all
    /// instances, plus the queue delay. At least one millisecond.
    /// </summary>
    private TimeSpan EstimateRetryAfter()
    {
        var executions = Interlocked.Read(ref _executionCount);
        var perBatch = executions > 0
            ? TimeSpan.FromTicks(Interlocked.Read(ref _computeNs) / 100 / executions)
            : TimeSpan.FromMilliseconds(1);
        var batches = (Volatile.Read(ref _queuedRows) + _maxBatchSize - 1) / _maxBatchSize;
        var rounds = Math.Max(1, (batches + _instances - 1) / _instances);
        var estimate = _maxQueueDelay + (perBatch * rounds);
        return estimate < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : estimate;
    }

    private static long TicksToNs(TimeSpan elapsed) => elapsed.Ticks * 100;
}
