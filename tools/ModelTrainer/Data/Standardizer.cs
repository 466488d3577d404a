namespace OrleansInference.ModelTrainer.Data;

/// <summary>
/// Per-feature affine scaling <c>(x - mean) / std</c>, the preprocessing the server applies from a
/// model's config before inference.
/// </summary>
public sealed record Standardizer(double[] Mean, double[] Std)
{
    /// <summary>Fits mean and population standard deviation on <paramref name="rows"/>; a constant feature gets std 1.</summary>
    public static Standardizer Fit(IReadOnlyList<double[]> rows)
    {
        var width = rows[0].Length;
        var mean = new double[width];
        var std = new double[width];
        foreach (var row in rows)
        {
            for (var j = 0; j < width; j++)
            {
                mean[j] += row[j];
            }
        }

        for (var j = 0; j < width; j++)
        {
            mean[j] /= rows.Count;
        }

        foreach (var row in rows)
        {
            for (var j = 0; j < width; j++)
            {
                var d = row[j] - mean[j];
                std[j] += d * d;
            }
        }

        for (var j = 0; j < width; j++)
        {
            std[j] = Math.Sqrt(std[j] / rows.Count);
            if (std[j] < 1e-12)
            {
                std[j] = 1.0;
            }
        }

        return new Standardizer(mean, std);
    }

    /// <summary>A fixed scaling that divides every one of <paramref name="width"/> features by <paramref name="divisor"/>.</summary>
    public static Standardizer Scale(int width, double divisor) =>
        new(new double[width], Enumerable.Repeat(divisor, width).ToArray());

    /// <summary>Scales one row.</summary>
    public double[] Transform(double[] row)
    {
        var result = new double[row.Length];
        for (var j = 0; j < row.Length; j++)
        {
            result[j] = (row[j] - Mean[j]) / Std[j];
        }

        return result;
    }

    /// <summary>Scales every row.</summary>
    public double[][] Transform(IReadOnlyList<double[]> rows) => rows.Select(Transform).ToArray();
}
