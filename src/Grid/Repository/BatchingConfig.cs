namespace OrleansInference.Grid.Repository;

/// <summary>Dynamic batching settings as they appear in <c>config.json</c>.</summary>
public sealed record BatchingConfig
{
    /// <summary>Largest batch in rows. Default 64; 1 disables batching.</summary>
    public int MaxBatchSize { get; set; } = 64;

    /// <summary>How long the oldest request may wait for a batch to fill, in microseconds. Default 200.</summary>
    public int MaxQueueDelayUs { get; set; } = 200;

    /// <summary>Batch sizes dispatched as soon as they are reached.</summary>
    public int[]? PreferredBatchSizes { get; init; }

    /// <summary>Requests that may wait; more are rejected with 429. Default 2048.</summary>
    public int MaxQueueSize { get; set; } = 2048;

    /// <summary>Deadline for requests that set none, in milliseconds. Default 2000.</summary>
    public int DefaultTimeoutMs { get; set; } = 2000;

    /// <summary>Dispatch at once when no batch is executing; wait up to the queue delay only under load. Default false.</summary>
    public bool DispatchWhenIdle { get; set; }
}
