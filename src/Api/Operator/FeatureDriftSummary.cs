namespace OrleansInference.Api.Operator;

/// <summary>One feature's population stability index and its status (stable, moderate, drift).</summary>
internal sealed record FeatureDriftSummary(string Feature, double Psi, string Status);
