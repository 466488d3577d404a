using OrleansInference.Contracts.Experiments;
using OrleansInference.Grains.Experiments.Metrics;
using OrleansInference.Grains.Experiments.Statistics;

namespace OrleansInference.Grains.Experiments;

/// <summary>The read-out: per-variant metrics, shadow agreement and significance against the baseline.</summary>
public sealed partial class ExperimentGrain
{
    /// <summary>Significance level of the read-out.</summary>
    public const double Alpha = 0.05;

    /// <inheritdoc />
    public Task<ExperimentMetrics> GetMetricsAsync(CancellationToken cancellationToken)
    {
        var info = _info ?? throw new ExperimentException(ExperimentErrorKind.NotFound, $"Experiment '{Id}' does not exist.");
        var snapshots = info.Variants.ToDictionary(v => v.Name, v => _counters.TryGetValue(v.Name, out var c) ? c.Snapshot() : VariantSnapshot.Empty, StringComparer.Ordinal);
        var variants = info.Variants.Select(v => ToMetrics(v, snapshots[v.Name])).ToList();
        var baseline = info.Baseline;
        var significance = new List<SignificanceResult>();
        foreach (var v in info.Variants.Where(v => !v.Baseline))
        {
            significance.AddRange(Compare(v.Name, snapshots[baseline.Name], snapshots[v.Name], info.PlannedSampleSize));
        }

        var shadow = info.ShadowVersion is { } version ? Volatile.Read(ref _shadow).Snapshot(version) : null;
        return Task.FromResult(new ExperimentMetrics(Id, info.State, Interlocked.Read(ref _rollbacks), variants, shadow, significance));
    }

    /// <summary>Every test the counters allow: accuracy and error rate (z), reward and latency (Welch's t).</summary>
    public static IEnumerable<SignificanceResult> Compare(string variant, VariantSnapshot baseline, VariantSnapshot candidate, int plannedSampleSize)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(candidate);
        if (baseline.Labelled > 0 && candidate.Labelled > 0)
        {
            yield return Proportion(variant, "accuracy", baseline.Correct, baseline.Labelled, candidate.Correct, candidate.Labelled, plannedSampleSize);
        }

        if (baseline.Requests > 0 && candidate.Requests > 0)
        {
            yield return Proportion(variant, "error_rate", baseline.Errors, baseline.Requests, candidate.Errors, candidate.Requests, plannedSampleSize);
        }

        if (baseline.Reward.Count >= 2 && candidate.Reward.Count >= 2)
        {
            yield return Means(variant, "reward", baseline.Reward, candidate.Reward, plannedSampleSize);
        }

        if (baseline.Latency.Count >= 2 && candidate.Latency.Count >= 2)
        {
            yield return Means(variant, "latency_ms", baseline.Latency, candidate.Latency, plannedSampleSize);
        }
    }

    private static SignificanceResult Proportion(string variant, string metric, long xa, long na, long xb, long nb, int planned)
    {
        var test = SignificanceTests.TwoProportionZ(xa, na, xb, nb);
        var reached = na >= planned && nb >= planned;
        return new SignificanceResult(variant, metric, "two_proportion_z", Round((double)xa / na), Round((double)xb / nb), na, nb,
            Round(test.Statistic), null, test.PValue, reached && test.PValue < Alpha, reached);
    }

    private static SignificanceResult Means(string variant, string metric, RunningMoments a, RunningMoments b, int planned)
    {
        var test = SignificanceTests.WelchT(a.Mean, a.Variance, a.Count, b.Mean, b.Variance, b.Count);
        var reached = a.Count >= planned && b.Count >= planned;
        return new SignificanceResult(variant, metric, "welch_t", Round(a.Mean), Round(b.Mean), a.Count, b.Count,
            Round(test.Statistic), test.DegreesOfFreedom is { } df ? Round(df) : null, test.PValue, reached && test.PValue < Alpha, reached);
    }

    private static VariantMetrics ToMetrics(VariantDefinition v, VariantSnapshot s) => new(
        v.Name, v.Version, v.Weight, v.Baseline, s.Requests, s.Errors, Round(s.ErrorRate), s.P50, s.P90, s.P99, Round(s.Latency.Mean),
        s.Predictions, s.Labelled, s.Correct, s.Labelled == 0 ? null : Round((double)s.Correct / s.Labelled),
        s.Reward.Count, s.Reward.Count == 0 ? null : Round(s.Reward.Mean));

    private static double Round(double value) => Math.Round(value, 6);
}
