using System.ComponentModel.DataAnnotations;

namespace OrleansInference.Grains.Batching;

/// <summary>
/// How a silo's batchers decide to flush, beyond each model's own batching config (section <c>BatchFlush</c>). Both
/// are measured choices for a silo's shared thread pool; docs/benchmarks/load-notes.md has the figures.
/// </summary>
public sealed class BatchFlushOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "BatchFlush";

    /// <summary>
    /// For versions with <c>dispatch_when_idle</c>: an idle instance yields to queued thread-pool work (mostly requests
    /// on their way) before running a batch of one, at most for the queue delay. Default true.
    /// </summary>
    public bool GatherWhileThreadPoolBusy { get; set; } = true;

    /// <summary>
    /// Queue delays shorter than this many microseconds are waited by yielding the worker's thread instead of arming a
    /// timer, which ticks in whole milliseconds. Range 0–10,000; default 1,000.
    /// </summary>
    [Range(0, 10_000)]
    public int YieldBelowMicroseconds { get; set; } = 1_000;
}
