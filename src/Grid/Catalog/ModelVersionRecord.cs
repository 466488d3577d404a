namespace OrleansInference.Grid.Catalog;

/// <summary>A registered model version as the registry stores it.</summary>
/// <param name="Name">Model name.</param>
/// <param name="Version">Version, a positive integer.</param>
/// <param name="Stage">dev, staging, production or archived.</param>
/// <param name="Sha256">Checksum of <c>model.onnx</c>, verified at every load.</param>
/// <param name="Description">One-sentence description.</param>
/// <param name="MetadataJson">Provenance from the config: framework, metrics, training date, data set.</param>
/// <param name="RegisteredAt">When the version was registered.</param>
/// <param name="StageChangedAt">When the stage last changed.</param>
public sealed record ModelVersionRecord(
    string Name,
    string Version,
    string Stage,
    string Sha256,
    string? Description,
    string? MetadataJson,
    DateTimeOffset RegisteredAt,
    DateTimeOffset StageChangedAt);
