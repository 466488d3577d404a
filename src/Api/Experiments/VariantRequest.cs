namespace OrleansInference.Api.Experiments;

/// <summary>One variant in <see cref="CreateExperimentRequest"/>.</summary>
internal sealed record VariantRequest(string? Name, string? Version, int? Weight, bool? Baseline);
