using OrleansInference.Contracts.Grains;
using OrleansInference.Contracts.Inference;

namespace OrleansInference.Contracts.Models;

/// <summary>
/// One model version on one silo, keyed <c>"{model}/{version}"</c>. Owns the ONNX Runtime sessions (one per
/// instance), warm-up and the dynamic batcher. Inference calls interleave: the batcher, not the turn, orders them.
/// </summary>
public interface IModelVersionGrain : IGrainWithStringKey
{
    /// <summary>Runs the model on raw tensors (KServe v2 semantics: no pre- or postprocessing).</summary>
    [AlwaysInterleave]
    ValueTask<InferenceResult> InferAsync(InferenceRequest request, CancellationToken cancellationToken);

    /// <summary>Preprocesses raw feature rows, runs the model and postprocesses each row into a prediction.</summary>
    [AlwaysInterleave]
    ValueTask<PredictResult> PredictAsync(PredictRequest request, CancellationToken cancellationToken);

    /// <summary>The version's state; does not load it.</summary>
    [AlwaysInterleave]
    Task<ModelVersionStatus> GetStatusAsync(CancellationToken cancellationToken);

    /// <summary>Batching and execution counters since load.</summary>
    [AlwaysInterleave]
    Task<ModelVersionStatistics> GetStatisticsAsync(CancellationToken cancellationToken);

    /// <summary>Drift of live inputs and predictions against the training profile since load or the last reset.</summary>
    [AlwaysInterleave]
    Task<DriftReport> GetDriftAsync(bool reset, CancellationToken cancellationToken);

    /// <summary>Loads, verifies and warms the version; returns once it is ready (or failed).</summary>
    Task<ModelVersionStatus> LoadAsync(CancellationToken cancellationToken);

    /// <summary>Stops accepting requests, finishes the queued ones, then releases the sessions.</summary>
    Task<ModelVersionStatus> UnloadAsync(CancellationToken cancellationToken);
}
