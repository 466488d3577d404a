namespace OrleansInference.Api.Metrics;

/// <summary>One labelled time series of a metric family: a running sum, a last value, or histogram buckets.</summary>
internal sealed class MetricSeries
{
    private readonly long[]? _bucketCounts;
    private double _value;
    private double _sum;
    private long _count;

    public MetricSeries(KeyValuePair<string, string>[] labels, int bucketCount)
    {
        Labels = labels;
        _bucketCounts = bucketCount > 0 ? new long[bucketCount + 1] : null;
    }

    public KeyValuePair<string, string>[] Labels { get; }

    public double Value => Volatile.Read(ref _value);

    public double Sum => Volatile.Read(ref _sum);

    public long Count => Interlocked.Read(ref _count);

    /// <summary>Cumulative bucket count at <paramref name="index"/>; the last index is +Inf.</summary>
    public long BucketCount(int index) => Interlocked.Read(ref _bucketCounts![index]);

    public void Add(double delta) => AddTo(ref _value, delta);

    public void Set(double value) => Volatile.Write(ref _value, value);

    public void Observe(double value, double[] bounds)
    {
        var index = bounds.Length;
        for (var i = 0; i < bounds.Length; i++)
        {
            if (value <= bounds[i])
            {
                index = i;
                break;
            }
        }

        Interlocked.Increment(ref _bucketCounts![index]);
        Interlocked.Increment(ref _count);
        AddTo(ref _sum, value);
    }

    /// <summary>True when the series carries exactly these tags (same keys and values, same order).</summary>
    public bool Matches(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length != Labels.Length)
        {
            return false;
        }

        for (var i = 0; i < tags.Length; i++)
        {
            if (!string.Equals(tags[i].Key, Labels[i].Key, StringComparison.Ordinal)
                || !string.Equals(tags[i].Value as string ?? Convert.ToString(tags[i].Value, System.Globalization.CultureInfo.InvariantCulture), Labels[i].Value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static void AddTo(ref double target, double delta)
    {
        var current = Volatile.Read(ref target);
        while (true)
        {
            var seen = Interlocked.CompareExchange(ref target, current + delta, current);
            if (seen.Equals(current))
            {
                return;
            }

            current = seen;
        }
    }
}
