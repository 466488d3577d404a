using Orleans;
using Orleans.Concurrency;

namespace OrleansInference.Contracts.Experiments;

/// <summary>A change to a running experiment.</summary>
/// <param name="Weights">New weights by variant name (every variant not named keeps its weight); the result must sum to 100.</param>
/// <param name="Overrides">User id to variant name to set, or to null to remove.</param>
/// <param name="ShadowVersion">A version to shadow live traffic to; empty to stop shadowing; null to leave unchanged.</param>
[GenerateSerializer]
[Immutable]
[Alias("oi.ExperimentUpdate")]
public sealed record ExperimentUpdate(
    [property: Id(0)] IReadOnlyDictionary<string, int>? Weights = null,
    [property: Id(1)] IReadOnlyDictionary<string, string?>? Overrides = null,
    [property: Id(2)] string? ShadowVersion = null);
