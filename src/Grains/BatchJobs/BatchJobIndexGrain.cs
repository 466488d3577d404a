using Orleans;
using Orleans.Concurrency;
using OrleansInference.Contracts.BatchJobs;

namespace OrleansInference.Grains.BatchJobs;

/// <summary>
/// Reads the batch job store on a silo for API nodes: the newest job ids from the store, then each job's progress from
/// its grain (the owner of a running job's live counters).
/// </summary>
[StatelessWorker]
[Reentrant] // Read-only: listings from several callers may interleave.
public sealed class BatchJobIndexGrain(IBatchJobStore store, IGrainFactory grains) : Grain, IBatchJobIndexGrain
{
    /// <summary>The most jobs one listing returns.</summary>
    public const int MaxLimit = 200;

    /// <inheritdoc />
    public async Task<IReadOnlyList<BatchJobStatus>> ListRecentAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxLimit);
        var ids = await store.ListRecentAsync(limit, cancellationToken);
        var statuses = await Task.WhenAll(ids.Select(id => grains.GetGrain<IBatchJobGrain>(id).GetStatusAsync(cancellationToken)));
        return [.. statuses.OfType<BatchJobStatus>()];
    }
}
