using Orleans;
using Orleans.Concurrency;

namespace OrleansInference.Contracts.BatchJobs;

/// <summary>The outcome of a submission: the job (new or, for a repeated idempotency key, existing), or why it was refused.</summary>
[GenerateSerializer]
[Immutable]
[Alias("oi.BatchJobSubmitResult")]
public sealed record BatchJobSubmitResult(
    [property: Id(0)] BatchJobStatus? Job,
    [property: Id(1)] bool Created,
    [property: Id(2)] BatchJobSubmitError Error = BatchJobSubmitError.None,
    [property: Id(3)] string? Message = null)
{
    public static BatchJobSubmitResult Invalid(string message) => new(null, false, BatchJobSubmitError.InvalidRequest, message);

    public static BatchJobSubmitResult NotFound(string message) => new(null, false, BatchJobSubmitError.NotFound, message);

    public static BatchJobSubmitResult Conflict(string message) => new(null, false, BatchJobSubmitError.Conflict, message);
}
