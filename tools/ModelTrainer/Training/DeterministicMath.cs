namespace OrleansInference.ModelTrainer.Training;

/// <summary>
/// Transcendental functions built from IEEE basic operations only, so results are bit-identical
/// on every platform (the C library's <c>exp</c> may differ in the last bit between systems).
/// </summary>
public static class DeterministicMath
{
    private const double Log2E = 1.4426950408889634;
    private const double Ln2Hi = 6.93147180369123816490e-01;
    private const double Ln2Lo = 1.90821492927058770002e-10;

    private static readonly double[] InverseFactorials = CreateInverseFactorials(15);

    /// <summary>e^x, accurate to about 1 ulp.</summary>
    public static double Exp(double x)
    {
        if (double.IsNaN(x))
        {
            return x;
        }

        if (x > 709.78)
        {
            return double.PositiveInfinity;
        }

        if (x < -745.2)
        {
            return 0.0;
        }

        var k = Math.Round(x * Log2E);
        var r = (x - (k * Ln2Hi)) - (k * Ln2Lo);

        // Taylor series to r^14/14! in Horner form; |r| <= ln2/2 keeps the truncation error below 1e-18.
        var p = InverseFactorials[^1];
        for (var n = InverseFactorials.Length - 2; n >= 0; n--)
        {
            p = (p * r) + InverseFactorials[n];
        }

        return Math.ScaleB(p, (int)k);
    }

    /// <summary>Softmax of <paramref name="logits"/> written to <paramref name="destination"/>.</summary>
    public static void Softmax(ReadOnlySpan<double> logits, Span<double> destination)
    {
        var max = double.NegativeInfinity;
        foreach (var z in logits)
        {
            max = Math.Max(max, z);
        }

        var sum = 0.0;
        for (var i = 0; i < logits.Length; i++)
        {
            destination[i] = Exp(logits[i] - max);
            sum += destination[i];
        }

        for (var i = 0; i < logits.Length; i++)
        {
            destination[i] /= sum;
        }
    }

    private static double[] CreateInverseFactorials(int terms)
    {
        var result = new double[terms];
        var factorial = 1.0;
        for (var n = 0; n < terms; n++)
        {
            factorial *= Math.Max(n, 1);
            result[n] = 1.0 / factorial;
        }

        return result;
    }
}
