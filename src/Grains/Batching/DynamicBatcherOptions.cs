using System.ComponentModel.DataAnnotations;

namespace OrleansInference.Grains.Batching;

/// <summary>Dynamic batching settings of one model version, with Triton's semantics.</summary>
public sealed class DynamicBatcherOptions
{
    /// <summary>Most rows in one batch. At least 1; default 64. A request with more rows than this runs alone in its own batch.</summary>
    [Range(1, int.MaxValue)]
    public int MaxBatchSize { get; set; } = 64;

    /// <summary>
    /// How long the oldest queued request may wait for more rows before a smaller batch is dispatched. Zero or more;
    /// default 200 µs. Zero dispatches whatever is queued as soon as an executor is free.
    /// </summary>
    public TimeSpan MaxQueueDelay { get; set; } = TimeSpan.FromTicks(200 * TimeSpan.TicksPerMicrosecond);

    /// <summary>
    /// When true, a request that finds no batch executing is dispatched at once instead of waiting for
    /// <see cref="MaxQueueDelay"/>; batches then form from what queues while the executors are busy, and the delay
    /// applies only under load. Low latency when idle, full batches when busy. While the thread pool holds other
    /// queued work (requests on their way), an idle instance first yields to it, at most for the delay, so requests
    /// arriving together share a batch. Default false (Triton's semantics).
    /// </summary>
    public bool DispatchWhenIdle { get; set; }

    /// <summary>
    /// With <see cref="DispatchWhenIdle"/>: tells whether work is on its way that may bring more requests (in a silo,
    /// queued thread-pool work items), so an idle instance gathers it, at most for <see cref="MaxQueueDelay"/>, instead
    /// of running a batch of one. Called under the batcher's lock: keep it cheap. Null (the default) never gathers.
    /// </summary>
    public Func<bool>? MoreWorkPending { get; set; }

    /// <summary>
    /// Remaining queue delays shorter than this are waited by yielding the worker's thread and looking again instead of
    /// arming a timer (timers tick in whole milliseconds, so a shorter one fires at once, over and over). Zero or more;
    /// default zero (always a timer, as on a fake clock in tests). A silo uses 1 ms.
    /// </summary>
    public TimeSpan YieldBelow { get; set; }

    /// <summary>
    /// Batch sizes in rows that dispatch at once, without waiting for <see cref="MaxQueueDelay"/>. Each from 1 to
    /// <see cref="MaxBatchSize"/>; default none.
    /// </summary>
    public IReadOnlyList<int> PreferredBatchSizes { get; set; } = [];

    /// <summary>Most requests waiting in the queue; a request beyond it gets QueueFull with a retry estimate. At least 1; default 2048.</summary>
    [Range(1, int.MaxValue)]
    public int MaxQueueSize { get; set; } = 2048;

    /// <summary>
    /// Deadline of a request whose caller gives none, measured from enqueue; applies while it is queued. Greater than
    /// zero or null for none; default 2 seconds.
    /// </summary>
    public TimeSpan? DefaultTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Executors running batches concurrently (one per model instance). At least 1; default 1.</summary>
    [Range(1, 1024)]
    public int Instances { get; set; } = 1;

    /// <summary>Throws <see cref="ArgumentException"/> naming every invalid setting.</summary>
    public void Validate()
    {
        List<string>? problems = null;
        if (MaxBatchSize < 1)
        {
            (problems ??= []).Add($"MaxBatchSize is {MaxBatchSize}; it must be at least 1.");
        }

        if (MaxQueueDelay < TimeSpan.Zero)
        {
            (problems ??= []).Add($"MaxQueueDelay is {MaxQueueDelay}; it must not be negative.");
        }

        if (PreferredBatchSizes is null)
        {
            (problems ??= []).Add("PreferredBatchSizes is null; use an empty list for none.");
        }
        else
        {
            foreach (var size in PreferredBatchSizes)
            {
                if (size < 1 || size > MaxBatchSize)
                {
                    (problems ??= []).Add($"PreferredBatchSizes contains {size}; each must be from 1 to MaxBatchSize ({MaxBatchSize}).");
                }
            }
        }

        if (MaxQueueSize < 1)
        {
            (problems ??= []).Add($"MaxQueueSize is {MaxQueueSize}; it must be at least 1.");
        }

        if (DefaultTimeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            (problems ??= []).Add($"DefaultTimeout is {timeout}; it must be greater than zero, or null for none.");
        }

        if (Instances < 1)
        {
            (problems ??= []).Add($"Instances is {Instances}; it must be at least 1.");
        }

        if (problems is not null)
        {
            throw new ArgumentException("Invalid dynamic batcher options: " + string.Join(" ", problems));
        }
    }
}
