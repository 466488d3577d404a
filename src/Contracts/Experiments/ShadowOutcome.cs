using Orleans;
using Orleans.Concurrency;

namespace OrleansInference.Contracts.Experiments;

/// <summary>The result of one shadowed request.</summary>
/// <param name="Dropped">The copy was dropped because the shadow queue was full.</param>
/// <param name="Failed">The shadow version failed.</param>
/// <param name="Agreed">Every row's prediction matched the primary's.</param>
/// <param name="LatencyMs">The shadow call's latency in milliseconds.</param>
[GenerateSerializer]
[Immutable]
[Alias("oi.ShadowOutcome")]
public sealed record ShadowOutcome([property: Id(0)] bool Dropped, [property: Id(1)] bool Failed, [property: Id(2)] bool Agreed, [property: Id(3)] double LatencyMs);
