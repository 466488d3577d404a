using HdrHistogram;
using OrleansInference.Contracts.Experiments;

namespace OrleansInference.Grains.Experiments.Metrics;

/// <summary>Shadow traffic counters of one experiment. Thread-safe.</summary>
public sealed class ShadowCounters
{
    private readonly Lock _lock = new();
    private readonly LongHistogram _latency = ExperimentLatency.NewHistogram();
    private long _completed;
    private long _failed;
    private long _dropped;
    private long _agreed;

    /// <summary>Records one shadow outcome.</summary>
    public void Record(ShadowOutcome outcome)
    {
        lock (_lock)
        {
            if (outcome.Dropped)
            {
                _dropped++;
                return;
            }

            if (outcome.Failed)
            {
                _failed++;
                return;
            }

            _completed++;
            ExperimentLatency.Record(_latency, outcome.LatencyMs);
            if (outcome.Agreed)
            {
                _agreed++;
            }
        }
    }

    /// <summary>The counters for <paramref name="version"/>.</summary>
    public ShadowMetrics Snapshot(string version)
    {
        lock (_lock)
        {
            return new ShadowMetrics(version, _completed, _failed, _dropped, _agreed,
                _completed == 0 ? null : (double)_agreed / _completed, ExperimentLatency.Percentile(_latency, 0.99));
        }
    }
}
