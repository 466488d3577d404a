using Orleans;
using Orleans.Concurrency;

namespace OrleansInference.Contracts.Experiments;

/// <summary>Shadow traffic of an experiment.</summary>
/// <param name="Version">The shadowed version.</param>
/// <param name="Completed">Copies the shadow version answered.</param>
/// <param name="Failed">Copies the shadow version failed.</param>
/// <param name="Dropped">Copies dropped because the shadow queue was full.</param>
/// <param name="Agreed">Answered copies whose predictions matched the primary's.</param>
/// <param name="AgreementRate">Agreed over completed; null before the first.</param>
/// <param name="LatencyP99Ms">The shadow calls' p99 latency.</param>
[GenerateSerializer]
[Immutable]
[Alias("oi.ShadowMetrics")]
public sealed record ShadowMetrics([property: Id(0)] string Version, [property: Id(1)] long Completed, [property: Id(2)] long Failed, [property: Id(3)] long Dropped, [property: Id(4)] long Agreed, [property: Id(5)] double? AgreementRate, [property: Id(6)] double LatencyP99Ms);
