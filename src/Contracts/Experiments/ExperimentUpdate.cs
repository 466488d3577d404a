namespace OrleansInference.Contracts.Experiments;

/// <summary>A change to a running experiment.</summary>
/// <param name="Weights">New weights by variant name (every variant not named keeps its weight); the result must sum to 100.</param>
/// <param name="Overrides">User id to variant name to set, or to null to remove.</param>
/// <param name="ShadowVersion">A version to shadow live traffic to; empty to stop shadowing; null to leave unchanged.</param>
public sealed record ExperimentUpdate(
    IReadOnlyDictionary<string, int>? Weights = null,
    IReadOnlyDictionary<string, string?>? Overrides = null,
    string? ShadowVersion = null);
