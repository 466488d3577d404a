using Orleans;
using Orleans.Concurrency;

namespace OrleansInference.Contracts.Experiments;

/// <summary>One variant's counters, latency percentiles, prediction distribution and feedback.</summary>
[GenerateSerializer]
[Immutable]
[Alias("oi.VariantMetrics")]
public sealed record VariantMetrics(
    [property: Id(0)] string Name,
    [property: Id(1)] string Version,
    [property: Id(2)] int Weight,
    [property: Id(3)] bool Baseline,
    [property: Id(4)] long Requests,
    [property: Id(5)] long Errors,
    [property: Id(6)] double ErrorRate,
    [property: Id(7)] double LatencyP50Ms,
    [property: Id(8)] double LatencyP90Ms,
    [property: Id(9)] double LatencyP99Ms,
    [property: Id(10)] double LatencyMeanMs,
    [property: Id(11)] IReadOnlyDictionary<string, long> Predictions,
    [property: Id(12)] long Labelled,
    [property: Id(13)] long Correct,
    [property: Id(14)] double? Accuracy,
    [property: Id(15)] long Rewards,
    [property: Id(16)] double? MeanReward);
