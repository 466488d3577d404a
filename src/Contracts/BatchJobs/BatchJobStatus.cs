using Orleans;
using Orleans.Concurrency;

namespace OrleansInference.Contracts.BatchJobs;

/// <summary>A snapshot of a batch job's progress.</summary>
/// <param name="JobId">The job's identifier.</param>
/// <param name="Model">The model name.</param>
/// <param name="Version">The model version every row is scored with (resolved at submission).</param>
/// <param name="State">Where the job is in its life cycle.</param>
/// <param name="Format">The output format.</param>
/// <param name="RowsTotal">Input rows; null until the input has been planned.</param>
/// <param name="RowsDone">Rows processed (predicted or rejected) in checkpointed chunks.</param>
/// <param name="ErrorCount">Rows rejected by validation so far.</param>
/// <param name="ChunksTotal">Chunks the input was split into; null until planned.</param>
/// <param name="ChunksDone">Chunks checkpointed.</param>
/// <param name="RowsPerSecond">Throughput of the current run; null before the first chunk of the run finishes.</param>
/// <param name="EstimatedRemaining">Time left at the current throughput; null when unknown or finished.</param>
/// <param name="CreatedAt">When the job was submitted.</param>
/// <param name="StartedAt">When processing first started.</param>
/// <param name="FinishedAt">When the job reached a final state.</param>
/// <param name="Error">Why the job failed, when it did.</param>
/// <param name="OutputPath">The merged output file on the server; set once the job succeeded.</param>
/// <param name="ErrorsPath">The rejected-rows file on the server; set once the job succeeded.</param>
/// <param name="Owner">The API key that created the job; null for jobs created on a server without API keys.</param>
/// <param name="Webhook">The completion webhook's delivery: none, pending, delivered or failed.</param>
/// <param name="WebhookDeadLetter">Why the webhook was never delivered, once it failed.</param>
/// <param name="ExpiredAt">When the retention sweep removed the job's files; null while they are kept.</param>
[GenerateSerializer]
[Immutable]
[Alias("oi.BatchJobStatus")]
public sealed record BatchJobStatus(
    [property: Id(0)] string JobId,
    [property: Id(1)] string Model,
    [property: Id(2)] string Version,
    [property: Id(3)] BatchJobState State,
    [property: Id(4)] BatchJobFormat Format,
    [property: Id(5)] long? RowsTotal,
    [property: Id(6)] long RowsDone,
    [property: Id(7)] long ErrorCount,
    [property: Id(8)] int? ChunksTotal,
    [property: Id(9)] int ChunksDone,
    [property: Id(10)] double? RowsPerSecond,
    [property: Id(11)] TimeSpan? EstimatedRemaining,
    [property: Id(12)] DateTimeOffset CreatedAt,
    [property: Id(13)] DateTimeOffset? StartedAt,
    [property: Id(14)] DateTimeOffset? FinishedAt,
    [property: Id(15)] string? Error,
    [property: Id(16)] string? OutputPath,
    [property: Id(17)] string? ErrorsPath,
    [property: Id(18)] string? Owner = null,
    [property: Id(19)] string? Webhook = null,
    [property: Id(20)] BatchWebhookDeadLetter? WebhookDeadLetter = null,
    [property: Id(21)] DateTimeOffset? ExpiredAt = null)
{
    /// <summary>True for Succeeded, Failed and Cancelled.</summary>
    public bool IsFinal => State is BatchJobState.Succeeded or BatchJobState.Failed or BatchJobState.Cancelled;

    /// <summary>Fraction of rows done, 0 to 1; null until planned.</summary>
    public double? Progress => RowsTotal switch
    {
        null => null,
        0 => State == BatchJobState.Succeeded ? 1 : 0,
        var total => Math.Min(1, (double)RowsDone / total.Value),
    };
}
