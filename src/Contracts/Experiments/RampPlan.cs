using Orleans;
using Orleans.Concurrency;

namespace OrleansInference.Contracts.Experiments;

/// <summary>A canary ramp: the variant's share moves through <paramref name="Steps"/>, one step per <paramref name="StepDuration"/>.</summary>
/// <param name="Variant">The candidate variant.</param>
/// <param name="Steps">Percentages, increasing, each 1 to 100, for example 5, 20, 50, 100.</param>
/// <param name="StepDuration">How long each step lasts before the next (guardrails must hold).</param>
/// <param name="Guardrails">What rolls the candidate back.</param>
[GenerateSerializer]
[Immutable]
[Alias("oi.RampPlan")]
public sealed record RampPlan([property: Id(0)] string Variant, [property: Id(1)] IReadOnlyList<int> Steps, [property: Id(2)] TimeSpan StepDuration, [property: Id(3)] Guardrails Guardrails);
