using Orleans;
using Orleans.Concurrency;

namespace OrleansInference.Contracts.Models;

/// <summary>One registered model version as the catalog publishes it.</summary>
/// <param name="Name">Model name.</param>
/// <param name="Version">Version, a positive integer.</param>
/// <param name="Stage">dev, staging, production or archived.</param>
/// <param name="Sha256">Checksum of the version's <c>model.onnx</c>, verified at every load.</param>
/// <param name="Description">One-sentence description.</param>
/// <param name="MetadataJson">Provenance from the config.</param>
/// <param name="RegisteredAt">When the version was registered.</param>
/// <param name="StageChangedAt">When the stage last changed.</param>
/// <param name="ConfigJson">The version's <c>config.json</c> (UTF-8), from which every node builds its processors.</param>
[GenerateSerializer]
[Immutable]
[Alias("oi.CatalogVersion")]
public sealed record CatalogVersion(
    [property: Id(0)] string Name,
    [property: Id(1)] string Version,
    [property: Id(2)] string Stage,
    [property: Id(3)] string Sha256,
    [property: Id(4)] string? Description,
    [property: Id(5)] string? MetadataJson,
    [property: Id(6)] DateTimeOffset RegisteredAt,
    [property: Id(7)] DateTimeOffset StageChangedAt,
    [property: Id(8)] byte[] ConfigJson);
