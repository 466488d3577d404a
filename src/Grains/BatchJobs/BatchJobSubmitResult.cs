using OrleansInference.Contracts.BatchJobs;

namespace OrleansInference.Grains.BatchJobs;

/// <summary>The outcome of a submission: the job (new or, for a repeated idempotency key, existing), or why it was refused.</summary>
public sealed record BatchJobSubmitResult(BatchJobStatus? Job, bool Created, BatchJobSubmitError Error = BatchJobSubmitError.None, string? Message = null)
{
    public static BatchJobSubmitResult Invalid(string message) => new(null, false, BatchJobSubmitError.InvalidRequest, message);

    public static BatchJobSubmitResult NotFound(string message) => new(null, false, BatchJobSubmitError.NotFound, message);
}
