using Orleans;
using Orleans.Concurrency;

namespace OrleansInference.Contracts.BatchJobs;

/// <summary>
/// One batch inference job, keyed by its job id. The job's definition and checkpoints live in durable storage; the
/// grain splits the input into chunks, fans them out to bounded parallel workers that score them at offline priority,
/// checkpoints each finished chunk, merges the output and fires the completion webhook. Any activation can pick up an
/// unfinished job from its last checkpoint.
/// </summary>
[Alias("oi.BatchJobGrain")]
public interface IBatchJobGrain : IGrainWithStringKey
{
    /// <summary>Starts (or resumes) the persisted job if it is not final and not already running. Null when no such job exists.</summary>
    [Alias("StartAsync")]
    Task<BatchJobStatus?> StartAsync(CancellationToken cancellationToken);

    /// <summary>The job's progress; null when no such job exists.</summary>
    [AlwaysInterleave]
    [Alias("GetStatusAsync")]
    Task<BatchJobStatus?> GetStatusAsync(CancellationToken cancellationToken);

    /// <summary>Stops the job's workers, discards partial output and marks it cancelled. A final job is returned unchanged.</summary>
    [Alias("CancelAsync")]
    Task<BatchJobStatus?> CancelAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Removes a final job's files (output, rejected rows, working folder) and marks it expired, once its retention has
    /// passed. A job that is not final, owes a webhook or is within its retention is returned unchanged.
    /// </summary>
    [Alias("ExpireAsync")]
    Task<BatchJobStatus?> ExpireAsync(CancellationToken cancellationToken);
}
