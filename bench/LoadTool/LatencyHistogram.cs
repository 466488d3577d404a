using System.Numerics;

namespace OrleansInference.LoadTool;

/// <summary>
/// A log-linear (HdrHistogram-style) latency histogram in nanoseconds: values below 2,048 ns are exact; above, each
/// power of two is split into 1,024 equal buckets, so every recorded value is kept to within 0.1%. Recording is one
/// interlocked increment; thread-safe; no allocation after construction. Values up to ~2^40 ns (18 minutes).
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBucketBits = 11;
    private const int SubBucketCount = 1 << SubBucketBits;
    private const int HalfCount = SubBucketCount / 2;
    private const int MaxMagnitude = 40;

    private readonly long[] _counts = new long[SubBucketCount + ((MaxMagnitude - SubBucketBits + 1) * HalfCount)];
    private long _total;
    private long _max;
    private double _sumNs;

    /// <summary>Values recorded.</summary>
    public long Count => Interlocked.Read(ref _total);

    /// <summary>The largest value recorded, in nanoseconds.</summary>
    public long MaxNs => Interlocked.Read(ref _max);

    /// <summary>The mean, in nanoseconds.</summary>
    public double MeanNs => Count == 0 ? 0 : Volatile.Read(ref _sumNs) / Count;

    /// <summary>Records one value in nanoseconds (negative values count as zero).</summary>
    public void Record(long nanoseconds)
    {
        var value = Math.Max(0, nanoseconds);
        Interlocked.Increment(ref _counts[IndexOf(value)]);
        Interlocked.Increment(ref _total);
        var max = Interlocked.Read(ref _max);
        while (value > max)
        {
            var seen = Interlocked.CompareExchange(ref _max, value, max);
            if (seen == max)
            {
                break;
            }

            max = seen;
        }

        double sum, updated;
        do
        {
            sum = Volatile.Read(ref _sumNs);
            updated = sum + value;
        }
        while (Interlocked.CompareExchange(ref _sumNs, updated, sum) != sum);
    }

    /// <summary>Adds every count of <paramref name="other"/> to this histogram.</summary>
    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        _total += other._total;
        _max = Math.Max(_max, other._max);
        _sumNs += other._sumNs;
    }

    /// <summary>The value at <paramref name="percentile"/> (0–100), in nanoseconds: the upper edge of the bucket holding it.</summary>
    public long ValueAtPercentile(double percentile)
    {
        var total = Count;
        if (total == 0)
        {
            return 0;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(percentile / 100.0 * total));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return Math.Min(UpperEdge(i), MaxNs);
            }
        }

        return MaxNs;
    }

    /// <summary>A summary in milliseconds.</summary>
    public LatencySummary Summarize() => new(
        Count,
        MeanNs / 1e6,
        ValueAtPercentile(50) / 1e6,
        ValueAtPercentile(90) / 1e6,
        ValueAtPercentile(99) / 1e6,
        ValueAtPercentile(99.9) / 1e6,
        MaxNs / 1e6);

    internal static int IndexOf(long value)
    {
        if (value < SubBucketCount)
        {
            return (int)value;
        }

        var magnitude = Math.Min(63 - BitOperations.LeadingZeroCount((ulong)value), MaxMagnitude);
        var shift = magnitude - SubBucketBits + 1;
        var sub = (int)Math.Min(value >> shift, SubBucketCount - 1) - HalfCount;
        return SubBucketCount + ((shift - 1) * HalfCount) + sub;
    }

    internal static long UpperEdge(int index)
    {
        if (index < SubBucketCount)
        {
            return index;
        }

        var shift = ((index - SubBucketCount) / HalfCount) + 1;
        var sub = ((index - SubBucketCount) % HalfCount) + HalfCount;
        return ((long)(sub + 1) << shift) - 1;
    }
}

/// <summary>Latency percentiles of one run, in milliseconds.</summary>
internal sealed record LatencySummary(long Count, double MeanMs, double P50Ms, double P90Ms, double P99Ms, double P999Ms, double MaxMs);
