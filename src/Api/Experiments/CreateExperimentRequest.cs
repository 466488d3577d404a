namespace OrleansInference.Api.Experiments;

/// <summary>Body of <c>POST /api/v1/experiments</c>.</summary>
internal sealed record CreateExperimentRequest(
    string? Id,
    string? Model,
    IReadOnlyList<VariantRequest?>? Variants,
    Dictionary<string, string>? Overrides,
    string? ShadowVersion,
    int? PlannedSampleSize);
