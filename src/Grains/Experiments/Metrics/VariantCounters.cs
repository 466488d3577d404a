using HdrHistogram;

namespace OrleansInference.Grains.Experiments.Metrics;

/// <summary>
/// One variant's live counters: requests, errors, latency (histogram and moments), prediction distribution (at most
/// <see cref="MaxDistinctPredictions"/> distinct values, the rest counted as "other") and feedback. Thread-safe.
/// </summary>
public sealed class VariantCounters
{
    /// <summary>Distinct prediction values tracked before the rest are folded into "other".</summary>
    public const int MaxDistinctPredictions = 64;

    private readonly Lock _lock = new();
    private readonly LongHistogram _histogram = ExperimentLatency.NewHistogram();
    private readonly Dictionary<string, long> _predictions = new(StringComparer.Ordinal);
    private RunningMoments _latency;
    private RunningMoments _reward;
    private long _requests;
    private long _errors;
    private long _labelled;
    private long _correct;

    /// <summary>Requests recorded; read without the lock for cheap guardrail gating.</summary>
    public long Requests => Volatile.Read(ref _requests);

    /// <summary>Records one request.</summary>
    public void Record(bool failed, double latencyMs, IReadOnlyList<string>? predictions)
    {
        lock (_lock)
        {
            Volatile.Write(ref _requests, _requests + 1);
            if (failed)
            {
                _errors++;
            }

            ExperimentLatency.Record(_histogram, latencyMs);
            _latency.Add(latencyMs);
            if (predictions is null)
            {
                return;
            }

            foreach (var prediction in predictions)
            {
                var key = _predictions.Count < MaxDistinctPredictions || _predictions.ContainsKey(prediction) ? prediction : "other";
                _predictions[key] = _predictions.GetValueOrDefault(key) + 1;
            }
        }
    }

    /// <summary>Records feedback for one prediction.</summary>
    public void RecordFeedback(bool? correct, double? reward)
    {
        lock (_lock)
        {
            if (correct is { } c)
            {
                _labelled++;
                if (c)
                {
                    _correct++;
                }
            }

            if (reward is { } r)
            {
                _reward.Add(r);
            }
        }
    }

    /// <summary>A consistent copy.</summary>
    public VariantSnapshot Snapshot()
    {
        lock (_lock)
        {
            return new VariantSnapshot(
                _requests,
                _errors,
                ExperimentLatency.Percentile(_histogram, 0.50),
                ExperimentLatency.Percentile(_histogram, 0.90),
                ExperimentLatency.Percentile(_histogram, 0.99),
                _latency,
                new Dictionary<string, long>(_predictions, StringComparer.Ordinal),
                _labelled,
                _correct,
                _reward);
        }
    }
}
