using OrleansInference.Contracts.BatchJobs;

namespace OrleansInference.Grains.BatchJobs;

/// <summary>
/// Durable batch job state: definitions, outcomes, webhook delivery and one checkpoint per finished chunk. SQLite
/// (<see cref="BatchJobStore"/>) backs it in the embedded default; cluster mode backs it with Redis. A checkpoint is
/// written only after the chunk's parts were renamed into place, so a checkpointed chunk's output is always complete.
/// </summary>
public interface IBatchJobStore
{
    /// <summary>Inserts a job; with an idempotency key already used, returns the existing job instead (<c>Created</c> false).</summary>
    /// <exception cref="BatchOutputTakenException">Another job writes the same output file (a concurrent submission won).</exception>
    Task<(BatchJobRecord Record, bool Created)> CreateAsync(BatchJobRecord job, CancellationToken cancellationToken);

    /// <summary>The job, or null.</summary>
    Task<BatchJobRecord?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>The job submitted with an idempotency key, or null.</summary>
    Task<BatchJobRecord?> FindByIdempotencyKeyAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// True when an existing job writes <paramref name="outputPath"/> or <paramref name="errorsPath"/>, as its output or
    /// its rejected-rows file.
    /// </summary>
    Task<bool> IsOutputTakenAsync(string outputPath, string errorsPath, CancellationToken cancellationToken);

    /// <summary>Ids of jobs that are not final, or final with a webhook still to deliver, oldest first.</summary>
    Task<IReadOnlyList<string>> ListResumableAsync(CancellationToken cancellationToken);

    /// <summary>Records the plan (rows and chunks) and the running state; the first start time is kept.</summary>
    Task MarkRunningAsync(string id, long rowsTotal, int chunksTotal, DateTimeOffset startedAt, CancellationToken cancellationToken);

    /// <summary>Records a final state.</summary>
    Task FinishAsync(string id, BatchJobState state, string? error, DateTimeOffset finishedAt, CancellationToken cancellationToken);

    /// <summary>Records the webhook's delivery state.</summary>
    Task SetWebhookAsync(string id, WebhookState state, CancellationToken cancellationToken);

    /// <summary>Checkpoints a finished chunk. Idempotent: a chunk checkpointed twice keeps its first record.</summary>
    Task CheckpointAsync(string id, ChunkCheckpoint checkpoint, CancellationToken cancellationToken);

    /// <summary>Every checkpointed chunk of a job, by index.</summary>
    Task<IReadOnlyList<ChunkCheckpoint>> GetCheckpointsAsync(string id, CancellationToken cancellationToken);

    /// <summary>Ids of the <paramref name="limit"/> most recently submitted jobs, newest first.</summary>
    Task<IReadOnlyList<string>> ListRecentAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Records a webhook that was never delivered: its dead letter, and the job's webhook state Failed.</summary>
    Task DeadLetterWebhookAsync(string id, BatchWebhookDeadLetter letter, CancellationToken cancellationToken);

    /// <summary>The dead letter of a job's webhook, or null when it has none.</summary>
    Task<BatchWebhookDeadLetter?> GetWebhookDeadLetterAsync(string id, CancellationToken cancellationToken);

    /// <summary>Ids of final jobs that finished before <paramref name="cutoff"/>, are not expired yet and owe no webhook, oldest first.</summary>
    Task<IReadOnlyList<string>> ListExpiringAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);

    /// <summary>Records that a job's files were removed by the retention sweep.</summary>
    Task MarkExpiredAsync(string id, DateTimeOffset expiredAt, CancellationToken cancellationToken);
}
