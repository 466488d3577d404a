using System.Globalization;
using OrleansInference.Contracts.Experiments;
using OrleansInference.Grains.Experiments.Metrics;

namespace OrleansInference.Grains.Experiments;

/// <summary>Checks a canary's counters (since the ramp started) against its guardrails.</summary>
public static class GuardrailEvaluator
{
    /// <summary>Evaluates once the candidate has at least <see cref="Guardrails.MinSamples"/> requests.</summary>
    public static GuardrailVerdict Evaluate(Guardrails guardrails, VariantSnapshot candidate, VariantSnapshot baseline)
    {
        ArgumentNullException.ThrowIfNull(guardrails);
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(baseline);
        var evidence = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["candidate_requests"] = candidate.Requests,
            ["candidate_errors"] = candidate.Errors,
            ["candidate_error_rate"] = Math.Round(candidate.ErrorRate, 6),
            ["candidate_p99_ms"] = candidate.P99,
            ["baseline_requests"] = baseline.Requests,
            ["baseline_errors"] = baseline.Errors,
            ["baseline_error_rate"] = Math.Round(baseline.ErrorRate, 6),
            ["baseline_p99_ms"] = baseline.P99,
            ["min_samples"] = guardrails.MinSamples,
            ["max_error_rate_increase"] = guardrails.MaxErrorRateIncrease,
        };
        if (guardrails.MaxP99LatencyMs is { } maxP99)
        {
            evidence["max_p99_latency_ms"] = maxP99;
        }

        if (guardrails.MaxP99Ratio is { } maxRatio)
        {
            evidence["max_p99_ratio"] = maxRatio;
        }

        if (candidate.Requests < guardrails.MinSamples)
        {
            return new GuardrailVerdict(false, false, "The candidate has not reached the minimum sample.", evidence);
        }

        var increase = candidate.ErrorRate - baseline.ErrorRate;
        if (increase > guardrails.MaxErrorRateIncrease)
        {
            return new GuardrailVerdict(true, true, string.Create(CultureInfo.InvariantCulture,
                $"Error rate {candidate.ErrorRate:P2} exceeds the baseline's {baseline.ErrorRate:P2} by more than {guardrails.MaxErrorRateIncrease:P2} ({candidate.Errors} of {candidate.Requests} requests failed)."), evidence);
        }

        if (guardrails.MaxP99LatencyMs is { } limit && candidate.P99 > limit)
        {
            return new GuardrailVerdict(true, true, string.Create(CultureInfo.InvariantCulture,
                $"p99 latency {candidate.P99} ms exceeds the limit of {limit} ms."), evidence);
        }

        if (guardrails.MaxP99Ratio is { } ratio && baseline.Requests > 0 && baseline.P99 > 0 && candidate.P99 > ratio * baseline.P99)
        {
            return new GuardrailVerdict(true, true, string.Create(CultureInfo.InvariantCulture,
                $"p99 latency {candidate.P99} ms exceeds {ratio} × the baseline's {baseline.P99} ms."), evidence);
        }

        return new GuardrailVerdict(true, false, "Guardrails hold.", evidence);
    }
}
