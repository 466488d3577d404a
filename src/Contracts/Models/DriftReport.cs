using Orleans;
using Orleans.Concurrency;

namespace OrleansInference.Contracts.Models;

/// <summary>Drift of a model version's live inputs and predictions against its training profile.</summary>
/// <param name="Model">The model.</param>
/// <param name="Version">The version.</param>
/// <param name="Status"><c>no_profile</c>, <c>insufficient_data</c> (fewer rows than the minimum), <c>stable</c>, <c>moderate</c> or <c>drift</c> (the worst feature).</param>
/// <param name="Rows">Rows observed since load or the last reset.</param>
/// <param name="MinimumRows">Rows needed before a status other than insufficient_data.</param>
/// <param name="PredictionPsi">Drift of the predicted class shares against the training class shares.</param>
/// <param name="Features">Per-feature drift, worst first.</param>
[GenerateSerializer]
[Immutable]
[Alias("oi.DriftReport")]
public sealed record DriftReport([property: Id(0)] string Model, [property: Id(1)] string Version, [property: Id(2)] string Status, [property: Id(3)] long Rows, [property: Id(4)] long MinimumRows, [property: Id(5)] double? PredictionPsi, [property: Id(6)] IReadOnlyList<FeatureDrift> Features);
