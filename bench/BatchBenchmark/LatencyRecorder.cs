using HdrHistogram;

namespace OrleansInference.BatchBenchmark;

/// <summary>
/// Latencies of concurrent requests in an HdrHistogram (microseconds from 1 µs to 10 minutes, three significant
/// digits), measured from each request's intended send time, so a stalled server is charged to every request it delayed.
/// </summary>
internal sealed class LatencyRecorder
{
    private readonly LongConcurrentHistogram _histogram = new(1, TimeSpan.FromMinutes(10).Ticks / TimeSpan.TicksPerMicrosecond, 3);
    private int _failures;

    public void Record(double milliseconds) => _histogram.RecordValue(Math.Max(1, (long)Math.Round(milliseconds * 1000)));

    public void RecordFailure() => Interlocked.Increment(ref _failures);

    public LatencySummary Summarize(double seconds)
    {
        var count = _histogram.TotalCount;
        double At(double percentile) => count == 0 ? double.NaN : _histogram.GetValueAtPercentile(percentile) / 1000.0;
        return new LatencySummary((int)count, Volatile.Read(ref _failures), count / seconds, At(50), At(99), count == 0 ? double.NaN : _histogram.GetMaxValue() / 1000.0);
    }
}
