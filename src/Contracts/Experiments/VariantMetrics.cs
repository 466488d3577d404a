namespace OrleansInference.Contracts.Experiments;

/// <summary>One variant's counters, latency percentiles, prediction distribution and feedback.</summary>
public sealed record VariantMetrics(
    string Name,
    string Version,
    int Weight,
    bool Baseline,
    long Requests,
    long Errors,
    double ErrorRate,
    double LatencyP50Ms,
    double LatencyP90Ms,
    double LatencyP99Ms,
    double LatencyMeanMs,
    IReadOnlyDictionary<string, long> Predictions,
    long Labelled,
    long Correct,
    double? Accuracy,
    long Rewards,
    double? MeanReward);
