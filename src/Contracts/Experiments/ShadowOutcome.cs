namespace OrleansInference.Contracts.Experiments;

/// <summary>The result of one shadowed request.</summary>
/// <param name="Dropped">The copy was dropped because the shadow queue was full.</param>
/// <param name="Failed">The shadow version failed.</param>
/// <param name="Agreed">Every row's prediction matched the primary's.</param>
/// <param name="LatencyMs">The shadow call's latency in milliseconds.</param>
public sealed record ShadowOutcome(bool Dropped, bool Failed, bool Agreed, double LatencyMs);
