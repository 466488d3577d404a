using OrleansInference.Contracts.Inference;

namespace OrleansInference.Contracts.Models;

/// <summary>Predictions for every row of a <see cref="PredictRequest"/>, or the status that prevented them.</summary>
public sealed record PredictResult(
    InferenceStatus Status,
    string ModelName,
    string ModelVersion,
    IReadOnlyList<RowPrediction>? Rows = null,
    string? Error = null,
    TimeSpan? RetryAfter = null,
    bool Cached = false);
