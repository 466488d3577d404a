using Orleans;
using Orleans.Concurrency;
using OrleansInference.Contracts.Inference;

namespace OrleansInference.Contracts.Models;

/// <summary>Predictions for every row of a <see cref="PredictRequest"/>, or the status that prevented them.</summary>
[GenerateSerializer]
[Immutable]
[Alias("oi.PredictResult")]
public sealed record PredictResult(
    [property: Id(0)] InferenceStatus Status,
    [property: Id(1)] string ModelName,
    [property: Id(2)] string ModelVersion,
    [property: Id(3)] IReadOnlyList<RowPrediction>? Rows = null,
    [property: Id(4)] string? Error = null,
    [property: Id(5)] TimeSpan? RetryAfter = null,
    [property: Id(6)] bool Cached = false);
