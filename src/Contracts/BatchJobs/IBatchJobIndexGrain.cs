using Orleans;

namespace OrleansInference.Contracts.BatchJobs;

/// <summary>Lists batch jobs from their durable store (key 0; a stateless worker on every silo), for operators.</summary>
[Alias("oi.BatchJobIndexGrain")]
public interface IBatchJobIndexGrain : IGrainWithIntegerKey
{
    /// <summary>The progress of the <paramref name="limit"/> most recently submitted jobs, newest first.</summary>
    [Alias("ListRecentAsync")]
    Task<IReadOnlyList<BatchJobStatus>> ListRecentAsync(int limit, CancellationToken cancellationToken);
}
