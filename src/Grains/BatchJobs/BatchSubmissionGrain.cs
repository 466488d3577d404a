using Orleans;
using Orleans.Concurrency;
using OrleansInference.Contracts.BatchJobs;

namespace OrleansInference.Grains.BatchJobs;

/// <summary>Runs <see cref="BatchJobSubmitter"/> on a silo for API nodes and clients; submissions interleave.</summary>
[StatelessWorker]
[Reentrant]
public sealed class BatchSubmissionGrain(BatchJobSubmitter submitter) : Grain, IBatchSubmissionGrain
{
    /// <inheritdoc />
    public Task<BatchJobSubmitResult> SubmitAsync(BatchJobSubmission submission, CancellationToken cancellationToken) =>
        submitter.SubmitAsync(submission, cancellationToken);
}
