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
public sealed record SignificanceResult(
    string Variant,
    string Metric,
    string Test,
    double BaselineValue,
    double VariantValue,
    long BaselineSamples,
    long VariantSamples,
    double Statistic,
    double? DegreesOfFreedom,
    double PValue,
    bool Significant,
    bool SampleSizeReached);
