using Orleans;

namespace OrleansInference.Contracts.BatchJobs;

/// <summary>
/// Accepts batch jobs (key 0; a stateless worker on every silo): validates a submission against the silo's data and
/// output roots and the catalog, persists the job and starts its grain. The API's submit endpoint calls it.
/// </summary>
[Alias("oi.BatchSubmissionGrain")]
public interface IBatchSubmissionGrain : IGrainWithIntegerKey
{
    /// <summary>Submits a job; the result holds the job (new, or existing for a repeated idempotency key) or why it was refused.</summary>
    [Alias("SubmitAsync")]
    Task<BatchJobSubmitResult> SubmitAsync(BatchJobSubmission submission, CancellationToken cancellationToken);
}
