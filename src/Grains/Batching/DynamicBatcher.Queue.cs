using OrleansInference.Contracts.Inference;

namespace OrleansInference.Grains.Batching;

/// <summary>The queues (one intrusive list per priority), batch formation, deadlines and cancellation.</summary>
public sealed partial class DynamicBatcher<TRequest, TResponse>
{
    /// <summary>
    /// Forms a batch into <paramref name="batch"/> if one is due. Expired requests met on the way are unlinked onto
    /// <paramref name="expired"/>. When requests wait for more rows, <paramref name="delay"/> says how long until the
    /// oldest of them reaches the maximum queue delay; a zero delay asks the worker to yield its thread once and look
    /// again, which an idle instance does while other thread-pool work is pending (<paramref name="gatherYields"/> so far).
    /// </summary>
    private bool TryFormBatchLocked(Batch<TRequest, TResponse> batch, int gatherYields, out TimeSpan? delay, ref BatchItem<TRequest, TResponse>? expired)
    {
        delay = null;
        if (_queuedCount == 0)
        {
            return false;
        }

        var nowUtc = _time.GetUtcNow();
        var now = _time.GetTimestamp();
        int rows = 0, count = 0, preferredCount = 0;
        var full = false;
        var oldest = long.MaxValue;
        for (var p = 0; p < _queues.Length && !full; p++)
        {
            var item = _queues[p].Head;
            while (item is not null)
            {
                var next = item.Next;
                if (item.Deadline <= nowUtc)
                {
                    UnlinkLocked(item);
                    item.NextRemoved = expired;
                    expired = item;
                    item = next;
                    continue;
                }

                if (count == 0 && item.Rows > _maxBatchSize)
                {
                    // Larger than any batch: it runs alone.
                    count = 1;
                    full = true;
                    break;
                }

                if (rows + item.Rows > _maxBatchSize)
                {
                    // The next request does not fit; waiting cannot make this batch larger without reordering.
                    full = true;
                    break;
                }

                rows += item.Rows;
                count++;
                oldest = Math.Min(oldest, item.EnqueuedTimestamp);
                if (rows == _maxBatchSize)
                {
                    full = true;
                    break;
                }

                if (_preferred[rows])
                {
                    preferredCount = count;
                }

                item = next;
            }
        }

        if (count == 0)
        {
            return false;
        }

        int take;
        if (full || !_accepting || _maxQueueDelay == TimeSpan.Zero)
        {
            take = count;
        }
        else if (_dispatchWhenIdle && Volatile.Read(ref _executing) == 0)
        {
            // Idle: dispatch now, unless the thread pool holds work that is likely more requests on their way here.
            var gather = gatherYields < MaxGatherYields && _time.GetElapsedTime(oldest, now) < _maxQueueDelay && _moreWorkPending();
            if (!gather)
            {
                take = count;
            }
            else if (preferredCount > 0)
            {
                take = preferredCount;
            }
            else
            {
                // A zero delay tells the worker to yield its thread and look again.
                delay = TimeSpan.Zero;
                return false;
            }
        }
        else if (preferredCount > 0)
        {
            take = preferredCount;
        }
        else
        {
            var waited = _time.GetElapsedTime(oldest, now);
            if (waited < _maxQueueDelay)
            {
                delay = _maxQueueDelay - waited;
                return false;
            }

            take = count;
        }

        for (var p = 0; p < _queues.Length && batch.Count < take; p++)
        {
            while (batch.Count < take && _queues[p].Head is { } item)
            {
                UnlinkLocked(item);
                item.Dispatched = true;
                item.Cancellation.Unregister();
                Interlocked.Add(ref _queueNs, TicksToNs(_time.GetElapsedTime(item.EnqueuedTimestamp, now)));
                batch.Add(item);
            }
        }

        return true;
    }

    private void OnDeadlineTimer()
    {
        BatchItem<TRequest, TResponse>? expired = null;
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            var next = DateTimeOffset.MaxValue;
            for (var p = 0; p < _queues.Length; p++)
            {
                var item = _queues[p].Head;
                while (item is not null)
                {
                    var following = item.Next;
                    if (item.Deadline <= now)
                    {
                        UnlinkLocked(item);
                        item.NextRemoved = expired;
                        expired = item;
                    }
                    else if (item.Deadline < next)
                    {
                        next = item.Deadline;
                    }

                    item = following;
                }
            }

            _deadlineArmedFor = next;
            if (next != DateTimeOffset.MaxValue && Volatile.Read(ref _disposed) == 0)
            {
                _deadlineTimer.Change(next - now, Timeout.InfiniteTimeSpan);
            }
        }

        CompleteExpired(expired);
    }

    private static void CompleteExpired(BatchItem<TRequest, TResponse>? expired)
    {
        for (var item = expired; item is not null; item = item.NextRemoved)
        {
            item.Cancellation.Unregister();
            item.TrySetResult(Failure(InferenceStatus.DeadlineExceeded, "The request's deadline passed while it waited in the queue."));
        }
    }

    private static void OnCancelled(BatchItem<TRequest, TResponse> item)
    {
        var owner = item.Owner;
        lock (owner._lock)
        {
            if (item.Dispatched)
            {
                return;
            }

            if (item.Queued)
            {
                owner.UnlinkLocked(item);
            }
        }

        item.TrySetResult(Failure(InferenceStatus.Cancelled, "The request was cancelled while it waited in the queue."));
    }

    private void LinkLocked(BatchItem<TRequest, TResponse> item)
    {
        ref var list = ref _queues[(int)item.Priority];
        item.Previous = list.Tail;
        item.Next = null;
        if (list.Tail is null)
        {
            list.Head = item;
        }
        else
        {
            list.Tail.Next = item;
        }

        list.Tail = item;
        item.Queued = true;
        _queuedCount++;
        _queuedRows += item.Rows;
    }

    private void UnlinkLocked(BatchItem<TRequest, TResponse> item)
    {
        ref var list = ref _queues[(int)item.Priority];
        if (item.Previous is null)
        {
            list.Head = item.Next;
        }
        else
        {
            item.Previous.Next = item.Next;
        }

        if (item.Next is null)
        {
            list.Tail = item.Previous;
        }
        else
        {
            item.Next.Previous = item.Previous;
        }

        item.Previous = null;
        item.Next = null;
        item.Queued = false;
        _queuedCount--;
        _queuedRows -= item.Rows;
    }

    private struct ItemList
    {
        public BatchItem<TRequest, TResponse>? Head;
        public BatchItem<TRequest, TResponse>? Tail;
    }
}
