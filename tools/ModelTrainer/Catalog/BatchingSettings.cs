namespace OrleansInference.ModelTrainer.Catalog;

/// <summary>The config's <c>batching</c> block.</summary>
/// <param name="MaxBatchSize">Largest batch the server assembles.</param>
/// <param name="MaxQueueDelayUs">Longest a request waits for a batch to fill, in microseconds.</param>
/// <param name="PreferredBatchSizes">Batch sizes the server dispatches as soon as they are reached.</param>
/// <param name="MaxQueueSize">Queued requests beyond which new ones are rejected.</param>
/// <param name="DefaultTimeoutMs">Per-request deadline when the caller gives none, in milliseconds.</param>
/// <param name="DispatchWhenIdle">Dispatch at once when no batch is executing (low latency when idle, batching under load).</param>
public sealed record BatchingSettings(
    int MaxBatchSize = 64,
    int MaxQueueDelayUs = 200,
    IReadOnlyList<int>? PreferredBatchSizes = null,
    int MaxQueueSize = 2048,
    int DefaultTimeoutMs = 2000,
    bool DispatchWhenIdle = true)
{
    /// <summary>Preferred sizes, defaulting to 16, 32 and 64.</summary>
    public IReadOnlyList<int> PreferredSizes => PreferredBatchSizes ?? [16, 32, 64];
}
