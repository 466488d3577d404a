namespace OrleansInference.Grains.Experiments.Statistics;

/// <summary>Two-sample tests of a variant (b) against the baseline (a). Positive statistics mean b is higher.</summary>
public static class SignificanceTests
{
    /// <summary>
    /// Pooled two-proportion z-test: z = (p_b − p_a) / √(p(1−p)(1/n_a + 1/n_b)) with p = (x_a + x_b)/(n_a + n_b).
    /// </summary>
    public static TestStatistic TwoProportionZ(long successesA, long trialsA, long successesB, long trialsB)
    {
        if (trialsA <= 0 || trialsB <= 0)
        {
            return new TestStatistic(0, null, 1);
        }

        var pa = (double)successesA / trialsA;
        var pb = (double)successesB / trialsB;
        var pooled = (double)(successesA + successesB) / (trialsA + trialsB);
        var se = Math.Sqrt(pooled * (1 - pooled) * ((1.0 / trialsA) + (1.0 / trialsB)));
        if (se == 0)
        {
            return new TestStatistic(0, null, 1);
        }

        var z = (pb - pa) / se;
        return new TestStatistic(z, null, NormalDistribution.TwoSidedP(z));
    }

    /// <summary>
    /// Welch's unequal-variance t-test on means with sample variances; degrees of freedom by Welch–Satterthwaite.
    /// </summary>
    public static TestStatistic WelchT(double meanA, double varianceA, long countA, double meanB, double varianceB, long countB)
    {
        if (countA < 2 || countB < 2)
        {
            return new TestStatistic(0, null, 1);
        }

        var ua = varianceA / countA;
        var ub = varianceB / countB;
        var se2 = ua + ub;
        if (se2 <= 0)
        {
            return new TestStatistic(0, null, 1);
        }

        var t = (meanB - meanA) / Math.Sqrt(se2);
        var df = se2 * se2 / ((ua * ua / (countA - 1)) + (ub * ub / (countB - 1)));
        return new TestStatistic(t, df, StudentTDistribution.TwoSidedP(t, df));
    }
}
