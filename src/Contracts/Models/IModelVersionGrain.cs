using Orleans;
using Orleans.Concurrency;
using OrleansInference.Contracts.Generation;
using OrleansInference.Contracts.Inference;

namespace OrleansInference.Contracts.Models;

/// <summary>
/// One model version on one silo, keyed <c>"{model}/{version}"</c>. Owns the ONNX Runtime sessions (one per
/// instance), warm-up and the dynamic batcher. Inference calls interleave: the batcher, not the turn, orders them.
/// </summary>
[Alias("oi.ModelVersionGrain")]
public interface IModelVersionGrain : IGrainWithStringKey
{
    /// <summary>Runs the model on raw tensors (KServe v2 semantics: no pre- or postprocessing).</summary>
    [AlwaysInterleave]
    [Alias("InferAsync")]
    ValueTask<InferenceResult> InferAsync(InferenceRequest request, CancellationToken cancellationToken);

    /// <summary>Preprocesses raw feature rows, runs the model and postprocesses each row into a prediction.</summary>
    [AlwaysInterleave]
    [Alias("PredictAsync")]
    ValueTask<PredictResult> PredictAsync(PredictRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// The answer the version's result cache holds for exactly these rows (marked <see cref="PredictResult.Cached"/>),
    /// or null when it holds none, the version caches nothing or is not loaded. Runs no model and loads nothing: the
    /// answer of a version whose circuit breaker is open.
    /// </summary>
    [AlwaysInterleave]
    [Alias("GetCachedPredictionAsync")]
    ValueTask<PredictResult?> GetCachedPredictionAsync(PredictRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Generates text on a generative version: the stream's events are its tokens, then one Done event; or one Error
    /// event (queue full, invalid request, unavailable). The sequence joins the version's running batch at its next
    /// step and leaves it when it finishes or the caller stops reading (cancellation frees its slot at once).
    /// </summary>
    [AlwaysInterleave]
    [Alias("GenerateAsync")]
    IAsyncEnumerable<GenerationEvent> GenerateAsync(GenerateRequest request, CancellationToken cancellationToken);

    /// <summary>Embeds texts on an embedding version, batched with other requests by the version's dynamic batcher.</summary>
    [AlwaysInterleave]
    [Alias("EmbedAsync")]
    ValueTask<EmbedResult> EmbedAsync(EmbedRequest request, CancellationToken cancellationToken);

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
