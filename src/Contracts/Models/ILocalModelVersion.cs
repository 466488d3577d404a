using OrleansInference.Contracts.Generation;
using OrleansInference.Contracts.Inference;

namespace OrleansInference.Contracts.Models;

/// <summary>
/// The inference entry of a model version whose owner activation runs on this process's silo, published by that
/// activation while the version is loaded. Calls run on the caller's thread into the version's batcher with no grain
/// message, so the caller may pass pooled buffers it keeps until the returned task completes.
/// </summary>
public interface ILocalModelVersion
{
    /// <summary>Same as <see cref="IModelVersionServing.InferAsync"/>.</summary>
    ValueTask<InferenceResult> InferAsync(InferenceRequest request, CancellationToken cancellationToken);

    /// <summary>Same as <see cref="IModelVersionServing.PredictAsync"/>.</summary>
    ValueTask<PredictResult> PredictAsync(PredictRequest request, CancellationToken cancellationToken);

    /// <summary>Same as <see cref="IModelVersionServing.GetCachedPredictionAsync"/>.</summary>
    ValueTask<PredictResult?> GetCachedPredictionAsync(PredictRequest request, CancellationToken cancellationToken);

    /// <summary>Same as <see cref="IModelVersionServing.GenerateAsync"/>.</summary>
    IAsyncEnumerable<GenerationEvent> GenerateAsync(GenerateRequest request, CancellationToken cancellationToken);

    /// <summary>Same as <see cref="IModelVersionServing.EmbedAsync"/>.</summary>
    ValueTask<EmbedResult> EmbedAsync(EmbedRequest request, CancellationToken cancellationToken);
}
