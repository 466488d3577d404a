using Orleans;
using Orleans.Concurrency;

namespace OrleansInference.Contracts.Experiments;

/// <summary>What happened to one request a variant served.</summary>
/// <param name="Variant">The variant.</param>
/// <param name="Failed">True when the model failed (5xx-class statuses; client errors do not count).</param>
/// <param name="LatencyMs">Server-side latency in milliseconds.</param>
/// <param name="Predictions">Predicted labels (or values) per row, for the prediction distribution.</param>
[GenerateSerializer]
[Immutable]
[Alias("oi.VariantOutcome")]
public sealed record VariantOutcome([property: Id(0)] string Variant, [property: Id(1)] bool Failed, [property: Id(2)] double LatencyMs, [property: Id(3)] IReadOnlyList<string>? Predictions);
