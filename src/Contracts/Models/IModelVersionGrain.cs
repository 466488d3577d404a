using Orleans;
using Orleans.Concurrency;
using OrleansInference.Contracts.Generation;
using OrleansInference.Contracts.Inference;

namespace OrleansInference.Contracts.Models;

/// <summary>
/// One model version on one silo, keyed <c>"{model}/{version}"</c>. Owns the ONNX Runtime sessions (one per
/// instance), warm-up and the dynamic batcher. Inference calls (<see cref="IModelVersionServing"/>) interleave: the
/// batcher, not the turn, orders them.
/// </summary>
[Alias("oi.ModelVersionGrain")]
public interface IModelVersionGrain : IGrainWithStringKey, IModelVersionServing
{
    /// <summary>The version's state; does not load it.</summary>
    [AlwaysInterleave]
    [Alias("GetStatusAsync")]
    Task<ModelVersionStatus> GetStatusAsync(CancellationToken cancellationToken);

    /// <summary>Batching and execution counters since load.</summary>
    [AlwaysInterleave]
    [Alias("GetStatisticsAsync")]
    Task<ModelVersionStatistics> GetStatisticsAsync(CancellationToken cancellationToken);

    /// <summary>Drift of live inputs and predictions against the training profile since load or the last reset.</summary>
    [AlwaysInterleave]
    [Alias("GetDriftAsync")]
    Task<DriftReport> GetDriftAsync(bool reset, CancellationToken cancellationToken);

    /// <summary>Loads, verifies and warms the version; returns once it is ready (or failed).</summary>
    [Alias("LoadAsync")]
    Task<ModelVersionStatus> LoadAsync(CancellationToken cancellationToken);

    /// <summary>Stops accepting requests, finishes the queued ones, then releases the sessions.</summary>
    [Alias("UnloadAsync")]
    Task<ModelVersionStatus> UnloadAsync(CancellationToken cancellationToken);
}
