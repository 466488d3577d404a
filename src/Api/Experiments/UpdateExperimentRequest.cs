namespace OrleansInference.Api.Experiments;

/// <summary>Body of <c>PATCH /api/v1/experiments/{id}</c>: weights by variant name, overrides (null removes one), shadow version ("" stops).</summary>
internal sealed record UpdateExperimentRequest(Dictionary<string, int>? Weights, Dictionary<string, string?>? Overrides, string? ShadowVersion);
