namespace OrleansInference.Grains.Experiments.Statistics;

/// <summary>The standard normal distribution, through the incomplete gamma function: erfc(x) = Q(½, x²).</summary>
public static class NormalDistribution
{
    /// <summary>Φ(x), the probability that a standard normal variable is at most <paramref name="x"/>.</summary>
    public static double Cdf(double x)
    {
        var tail = 0.5 * SpecialFunctions.GammaQ(0.5, x * x / 2);
        return x >= 0 ? 1 - tail : tail;
    }

    /// <summary>P(|Z| ≥ |z|): the two-sided p-value of a z statistic, accurate in the tails.</summary>
    public static double TwoSidedP(double z) => double.IsNaN(z) ? 1 : SpecialFunctions.GammaQ(0.5, z * z / 2);
}
