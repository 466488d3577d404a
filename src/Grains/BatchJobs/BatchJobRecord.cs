using OrleansInference.Contracts.BatchJobs;

namespace OrleansInference.Grains.BatchJobs;

/// <summary>A job as persisted: its definition (fixed at submission) and its final outcome.</summary>
/// <remarks>
/// <see cref="IdempotencyKey"/> is scoped to the caller (<c>{owner}\u001f{key}</c> when the job has an owner), so two API
/// keys never see each other's jobs through the same idempotency key.
/// </remarks>
public sealed record BatchJobRecord(
    string Id,
    string? IdempotencyKey,
    string Model,
    string Version,
    string InputPath,
    BatchJobFormat InputFormat,
    BatchJobFormat OutputFormat,
    string OutputPath,
    int ChunkRows,
    string? CallbackUrl,
    BatchJobState State,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt = null,
    DateTimeOffset? FinishedAt = null,
    long? RowsTotal = null,
    int? ChunksTotal = null,
    string? Error = null,
    WebhookState Webhook = WebhookState.None,
    string? Owner = null,
    string? BodyHash = null,
    DateTimeOffset? ExpiredAt = null)
{
    /// <summary>The rejected-rows file beside the output.</summary>
    public string ErrorsPath => BatchJobFiles.ErrorsPathFor(OutputPath, OutputFormat);
}
