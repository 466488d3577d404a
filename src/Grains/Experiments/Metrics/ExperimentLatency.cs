using HdrHistogram;

namespace OrleansInference.Grains.Experiments.Metrics;

/// <summary>
/// How experiment counters keep latency: an HdrHistogram in microseconds from 1 µs to 100 s at two significant digits
/// (every value within 1%, about 21 KB per histogram, fixed). Values outside the range are clamped to it. The histograms
/// stay in the experiment grain's memory; only percentiles leave it (<see cref="VariantSnapshot"/>).
/// </summary>
internal static class ExperimentLatency
{
    private const long HighestMicroseconds = 100_000_000;

    /// <summary>A new, empty histogram; not thread-safe (the counters lock).</summary>
    public static LongHistogram NewHistogram() => new(1, HighestMicroseconds, 2);

    /// <summary>Records one latency in milliseconds; NaN and negative values count as zero.</summary>
    public static void Record(HistogramBase histogram, double milliseconds)
    {
        var microseconds = double.IsNaN(milliseconds) ? 0 : Math.Clamp(milliseconds * 1000, 0, HighestMicroseconds);
        histogram.RecordValue((long)Math.Round(microseconds));
    }

    /// <summary>The <paramref name="quantile"/> (0 to 1) in milliseconds, to three decimals; 0 when empty.</summary>
    public static double Percentile(HistogramBase histogram, double quantile) =>
        histogram.TotalCount == 0 ? 0 : Math.Round(histogram.GetValueAtPercentile(quantile * 100) / 1000.0, 3);
}
