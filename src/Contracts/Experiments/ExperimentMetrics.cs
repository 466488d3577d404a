namespace OrleansInference.Contracts.Experiments;

/// <summary>An experiment's read-out on this silo.</summary>
/// <param name="Id">The experiment id.</param>
/// <param name="State">Lifecycle state.</param>
/// <param name="Rollbacks">Guardrail rollbacks so far: the alert counter.</param>
/// <param name="Variants">Per-variant metrics.</param>
/// <param name="Shadow">Shadow traffic, when a shadow version is set.</param>
/// <param name="Significance">Each variant against the baseline.</param>
public sealed record ExperimentMetrics(
    string Id,
    ExperimentState State,
    long Rollbacks,
    IReadOnlyList<VariantMetrics> Variants,
    ShadowMetrics? Shadow,
    IReadOnlyList<SignificanceResult> Significance);
