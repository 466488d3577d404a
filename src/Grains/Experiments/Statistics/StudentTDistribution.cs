namespace OrleansInference.Grains.Experiments.Statistics;

/// <summary>Student's t distribution with real degrees of freedom, through the incomplete beta function.</summary>
public static class StudentTDistribution
{
    /// <summary>P(T ≤ t) for <paramref name="degreesOfFreedom"/> &gt; 0.</summary>
    public static double Cdf(double t, double degreesOfFreedom)
    {
        var tail = 0.5 * TwoSidedP(t, degreesOfFreedom);
        return t >= 0 ? 1 - tail : tail;
    }

    /// <summary>P(|T| ≥ |t|) = I_{ν/(ν+t²)}(ν/2, ½).</summary>
    public static double TwoSidedP(double t, double degreesOfFreedom)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(degreesOfFreedom);
        if (double.IsNaN(t))
        {
            return 1;
        }

        return SpecialFunctions.BetaRegularized(degreesOfFreedom / (degreesOfFreedom + (t * t)), degreesOfFreedom / 2, 0.5);
    }
}
