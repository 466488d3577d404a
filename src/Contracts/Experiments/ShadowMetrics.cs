namespace OrleansInference.Contracts.Experiments;

/// <summary>Shadow traffic of an experiment.</summary>
/// <param name="Version">The shadowed version.</param>
/// <param name="Completed">Copies the shadow version answered.</param>
/// <param name="Failed">Copies the shadow version failed.</param>
/// <param name="Dropped">Copies dropped because the shadow queue was full.</param>
/// <param name="Agreed">Answered copies whose predictions matched the primary's.</param>
/// <param name="AgreementRate">Agreed over completed; null before the first.</param>
/// <param name="LatencyP99Ms">The shadow calls' p99 latency.</param>
public sealed record ShadowMetrics(string Version, long Completed, long Failed, long Dropped, long Agreed, double? AgreementRate, double LatencyP99Ms);
