namespace OrleansInference.Grains.Experiments.Metrics;

/// <summary>
/// A bounded latency histogram: log-spaced buckets from 10 µs to 100 s, each 5% wider than the one before
/// (331 counters, fixed memory). Percentiles are the upper bound of the bucket holding the rank, so they
/// overstate by at most 5%. Not thread-safe; the owner locks.
/// </summary>
public sealed class LatencyHistogram
{
    private const double MinMs = 0.01;
    private const double Growth = 1.05;
    private static readonly double LogGrowth = Math.Log(Growth);
    private static readonly int BucketCount = (int)Math.Ceiling(Math.Log(100_000 / MinMs) / LogGrowth) + 1;

    private readonly long[] _counts = new long[BucketCount];

    /// <summary>Values recorded.</summary>
    public long Count { get; private set; }

    /// <summary>Records one latency in milliseconds; values outside the range land in the first or last bucket.</summary>
    public void Record(double milliseconds)
    {
        var index = milliseconds <= MinMs || double.IsNaN(milliseconds)
            ? 0
            : Math.Min(BucketCount - 1, (int)Math.Ceiling(Math.Log(milliseconds / MinMs) / LogGrowth));
        _counts[index]++;
        Count++;
    }

    /// <summary>The <paramref name="quantile"/> (0 to 1) in milliseconds; 0 when empty.</summary>
    public double Percentile(double quantile)
    {
        if (Count == 0)
        {
            return 0;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(quantile * Count));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return Math.Round(MinMs * Math.Pow(Growth, i), 3);
            }
        }

        return Math.Round(MinMs * Math.Pow(Growth, BucketCount - 1), 3);
    }
}
