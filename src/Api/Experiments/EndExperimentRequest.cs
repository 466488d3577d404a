namespace OrleansInference.Api.Experiments;

/// <summary>Optional body of promote (<c>variant</c>) and abort (<c>reason</c>).</summary>
internal sealed record EndExperimentRequest(string? Variant, string? Reason);
