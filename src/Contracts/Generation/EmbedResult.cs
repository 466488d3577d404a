using Orleans;
using Orleans.Concurrency;
using OrleansInference.Contracts.Inference;

namespace OrleansInference.Contracts.Generation;

/// <summary>One embedding per input of an <see cref="EmbedRequest"/>, or the status that prevented them.</summary>
[GenerateSerializer]
[Immutable]
[Alias("oi.EmbedResult")]
public sealed record EmbedResult(
    [property: Id(0)] InferenceStatus Status,
    [property: Id(1)] string ModelName,
    [property: Id(2)] string ModelVersion,
    [property: Id(3)] IReadOnlyList<float[]>? Embeddings = null,
    [property: Id(4)] int Dimensions = 0,
    [property: Id(5)] int PromptTokens = 0,
    [property: Id(6)] string? Error = null,
    [property: Id(7)] TimeSpan? RetryAfter = null);
