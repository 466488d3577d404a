using Orleans;
using Orleans.Concurrency;

namespace OrleansInference.Contracts.Generation;

/// <summary>Texts to embed with an embedding model.</summary>
/// <param name="Inputs">The texts, one embedding each.</param>
/// <param name="Normalize">Scale every embedding to unit length (cosine similarity becomes a dot product).</param>
[GenerateSerializer]
[Immutable]
[Alias("oi.EmbedRequest")]
public sealed record EmbedRequest(
    [property: Id(0)] IReadOnlyList<string> Inputs,
    [property: Id(1)] bool Normalize = true);
