using Orleans;
using Orleans.Concurrency;
using OrleansInference.Contracts.Generation;
using OrleansInference.Contracts.Inference;

namespace OrleansInference.Contracts.Models;

/// <summary>
/// The request path's calls on one model version, served by the version's owner on a silo
/// (<see cref="IModelVersionGrain"/>) and by a replica that forwards to the owner on its own silo
/// (<see cref="IModelReplicaGrain"/>). They interleave: the version's batcher, not the turn, orders them.
/// </summary>
[Alias("oi.ModelVersionServing")]
public interface IModelVersionServing : IGrain
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
}
