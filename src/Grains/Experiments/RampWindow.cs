using OrleansInference.Grains.Experiments.Metrics;

namespace OrleansInference.Grains.Experiments;

/// <summary>The candidate's and the baseline's counters since a ramp started: what guardrails judge.</summary>
internal sealed class RampWindow(string candidate, string baseline)
{
    public string CandidateName { get; } = candidate;

    public string BaselineName { get; } = baseline;

    public VariantCounters Candidate { get; } = new();

    public VariantCounters Baseline { get; } = new();

    public VariantCounters? For(string variant) =>
        variant == CandidateName ? Candidate : variant == BaselineName ? Baseline : null;
}
