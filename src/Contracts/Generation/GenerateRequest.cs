using Orleans;
using Orleans.Concurrency;

namespace OrleansInference.Contracts.Generation;

/// <summary>One text generation: a prompt and how to sample its continuation.</summary>
/// <param name="Prompt">The text to continue.</param>
/// <param name="MaxTokens">Most tokens to generate.</param>
/// <param name="Temperature">0 picks the most likely token (greedy); higher values flatten the distribution.</param>
/// <param name="TopK">Sample among the <paramref name="TopK"/> most likely tokens; 0 for all.</param>
/// <param name="TopP">Sample among the most likely tokens whose probabilities sum to at least this (nucleus); 1 for all.</param>
/// <param name="Seed">Seeds the sampler, so the same request with the same seed gives the same text; null for a random seed.</param>
/// <param name="Stop">Texts that end the generation when produced; the stop text itself is not returned.</param>
[GenerateSerializer]
[Immutable]
[Alias("oi.GenerateRequest")]
public sealed record GenerateRequest(
    [property: Id(0)] string Prompt,
    [property: Id(1)] int MaxTokens,
    [property: Id(2)] float Temperature = 1f,
    [property: Id(3)] int TopK = 0,
    [property: Id(4)] float TopP = 1f,
    [property: Id(5)] long? Seed = null,
    [property: Id(6)] IReadOnlyList<string>? Stop = null);
