namespace OrleansInference.BatchBenchmark;

/// <summary>Collects latency samples (milliseconds) from concurrent requests; percentiles by sorting a copy (nearest rank).</summary>
internal sealed class LatencyRecorder
{
    private readonly List<double> _samples = [];
    private readonly Lock _lock = new();
    private int _failures;

    public void Record(double milliseconds)
    {
        lock (_lock)
        {
            _samples.Add(milliseconds);
        }
    }

    public void RecordFailure() => Interlocked.Increment(ref _failures);

    public LatencySummary Summarize(double seconds)
    {
        double[] sorted;
        lock (_lock)
        {
            sorted = [.. _samples];
        }

        Array.Sort(sorted);
        double At(double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new LatencySummary(sorted.Length, Volatile.Read(ref _failures), sorted.Length / seconds, At(0.50), At(0.99), sorted.Length == 0 ? double.NaN : sorted[^1]);
    }
}
