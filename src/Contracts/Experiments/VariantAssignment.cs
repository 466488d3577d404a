using Orleans;
using Orleans.Concurrency;

namespace OrleansInference.Contracts.Experiments;

/// <summary>The variant chosen for one request.</summary>
/// <param name="Experiment">The experiment id.</param>
/// <param name="Variant">The variant name.</param>
/// <param name="Version">The model version serving it.</param>
/// <param name="ShadowVersion">A version to send a copy of the request to, if any.</param>
[GenerateSerializer]
[Immutable]
[Alias("oi.VariantAssignment")]
public sealed record VariantAssignment([property: Id(0)] string Experiment, [property: Id(1)] string Variant, [property: Id(2)] string Version, [property: Id(3)] string? ShadowVersion);
