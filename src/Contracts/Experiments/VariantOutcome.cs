namespace OrleansInference.Contracts.Experiments;

/// <summary>What happened to one request a variant served.</summary>
/// <param name="Variant">The variant.</param>
/// <param name="Failed">True when the model failed (5xx-class statuses; client errors do not count).</param>
/// <param name="LatencyMs">Server-side latency in milliseconds.</param>
/// <param name="Predictions">Predicted labels (or values) per row, for the prediction distribution.</param>
public sealed record VariantOutcome(string Variant, bool Failed, double LatencyMs, IReadOnlyList<string>? Predictions);
