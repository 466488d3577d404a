using Orleans;

namespace OrleansInference.Contracts.BatchJobs;

/// <summary>The life cycle of a batch inference job. Succeeded, Failed and Cancelled are final.</summary>
[GenerateSerializer]
[Alias("oi.BatchJobState")]
public enum BatchJobState
{
    /// <summary>Accepted and persisted; no chunk has started.</summary>
    Queued,

    /// <summary>Chunks are being processed (or will resume after a restart).</summary>
    Running,

    /// <summary>Every row was processed and the output merged; rows that failed validation are in the errors file.</summary>
    Succeeded,

    /// <summary>Stopped: the error budget was exceeded, the input could not be read, or the model failed.</summary>
    Failed,

    /// <summary>Cancelled by a client.</summary>
    Cancelled,
}
