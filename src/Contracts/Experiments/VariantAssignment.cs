namespace OrleansInference.Contracts.Experiments;

/// <summary>The variant chosen for one request.</summary>
/// <param name="Experiment">The experiment id.</param>
/// <param name="Variant">The variant name.</param>
/// <param name="Version">The model version serving it.</param>
/// <param name="ShadowVersion">A version to send a copy of the request to, if any.</param>
public sealed record VariantAssignment(string Experiment, string Variant, string Version, string? ShadowVersion);
