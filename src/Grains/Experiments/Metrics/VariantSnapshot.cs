namespace OrleansInference.Grains.Experiments.Metrics;

/// <summary>A consistent copy of one variant's counters.</summary>
public sealed record VariantSnapshot(
    long Requests,
    long Errors,
    double P50,
    double P90,
    double P99,
    RunningMoments Latency,
    IReadOnlyDictionary<string, long> Predictions,
    long Labelled,
    long Correct,
    RunningMoments Reward)
{
    /// <summary>Errors over requests; 0 before the first request.</summary>
    public double ErrorRate => Requests == 0 ? 0 : (double)Errors / Requests;

    /// <summary>An empty snapshot.</summary>
    public static VariantSnapshot Empty { get; } = new(0, 0, 0, 0, 0, default, new Dictionary<string, long>(), 0, 0, default);
}
