using Orleans;
using Orleans.Concurrency;

namespace OrleansInference.Contracts.Experiments;

/// <summary>One variant against the baseline on one metric.</summary>
/// <param name="Variant">The variant.</param>
/// <param name="Metric">accuracy, error_rate, reward or latency_ms.</param>
/// <param name="Test">two_proportion_z or welch_t.</param>
/// <param name="BaselineValue">The baseline's rate or mean.</param>
/// <param name="VariantValue">The variant's rate or mean.</param>
/// <param name="BaselineSamples">The baseline's sample size.</param>
/// <param name="VariantSamples">The variant's sample size.</param>
/// <param name="Statistic">z or t.</param>
/// <param name="DegreesOfFreedom">Welch–Satterthwaite degrees of freedom (t-test only).</param>
/// <param name="PValue">Two-sided p-value.</param>
/// <param name="Significant">p below 0.05 and the planned sample size reached by both arms.</param>
/// <param name="SampleSizeReached">Both arms reached the planned sample size.</param>
[GenerateSerializer]
[Immutable]
[Alias("oi.SignificanceResult")]
public sealed record SignificanceResult(
    [property: Id(0)] string Variant,
    [property: Id(1)] string Metric,
    [property: Id(2)] string Test,
    [property: Id(3)] double BaselineValue,
    [property: Id(4)] double VariantValue,
    [property: Id(5)] long BaselineSamples,
    [property: Id(6)] long VariantSamples,
    [property: Id(7)] double Statistic,
    [property: Id(8)] double? DegreesOfFreedom,
    [property: Id(9)] double PValue,
    [property: Id(10)] bool Significant,
    [property: Id(11)] bool SampleSizeReached);
