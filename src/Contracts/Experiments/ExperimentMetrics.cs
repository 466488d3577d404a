using Orleans;
using Orleans.Concurrency;

namespace OrleansInference.Contracts.Experiments;

/// <summary>An experiment's read-out on this silo.</summary>
/// <param name="Id">The experiment id.</param>
/// <param name="State">Lifecycle state.</param>
/// <param name="Rollbacks">Guardrail rollbacks so far: the alert counter.</param>
/// <param name="Variants">Per-variant metrics.</param>
/// <param name="Shadow">Shadow traffic, when a shadow version is set.</param>
/// <param name="Significance">Each variant against the baseline.</param>
[GenerateSerializer]
[Immutable]
[Alias("oi.ExperimentMetrics")]
public sealed record ExperimentMetrics(
    [property: Id(0)] string Id,
    [property: Id(1)] ExperimentState State,
    [property: Id(2)] long Rollbacks,
    [property: Id(3)] IReadOnlyList<VariantMetrics> Variants,
    [property: Id(4)] ShadowMetrics? Shadow,
    [property: Id(5)] IReadOnlyList<SignificanceResult> Significance);
