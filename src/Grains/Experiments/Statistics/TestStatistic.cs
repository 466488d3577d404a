namespace OrleansInference.Grains.Experiments.Statistics;

/// <summary>The result of a two-sample test.</summary>
/// <param name="Statistic">z or t.</param>
/// <param name="DegreesOfFreedom">Degrees of freedom (t-tests only).</param>
/// <param name="PValue">Two-sided p-value.</param>
public readonly record struct TestStatistic(double Statistic, double? DegreesOfFreedom, double PValue);
