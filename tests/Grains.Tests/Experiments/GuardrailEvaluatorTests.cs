using OrleansInference.Contracts.Experiments;
using OrleansInference.Grains.Experiments;
using OrleansInference.Grains.Experiments.Metrics;

namespace OrleansInference.Grains.Tests.Experiments;

public sealed class GuardrailEvaluatorTests
{
    [Fact]
    public void BelowMinimumSample_IsNotEvaluated()
    {
        var verdict = GuardrailEvaluator.Evaluate(new Guardrails(MinSamples: 100), Counters(99, 99, 1), Counters(100, 0, 1));
        Assert.False(verdict.Evaluated);
        Assert.False(verdict.Breached);
    }

    [Fact]
    public void ErrorRateAboveBaselinePlusMargin_Breaches_WithEvidence()
    {
        var verdict = GuardrailEvaluator.Evaluate(new Guardrails(MaxErrorRateIncrease: 0.05, MinSamples: 100), Counters(100, 10, 1), Counters(200, 8, 1));

        Assert.True(verdict.Breached);
        Assert.Equal(0.1, verdict.Evidence["candidate_error_rate"]);
        Assert.Equal(0.04, verdict.Evidence["baseline_error_rate"]);
        Assert.Equal(100, verdict.Evidence["candidate_requests"]);
    }

    [Fact]
    public void ErrorRateWithinMargin_Holds() =>
        Assert.False(GuardrailEvaluator.Evaluate(new Guardrails(MaxErrorRateIncrease: 0.05, MinSamples: 100), Counters(100, 8, 1), Counters(200, 8, 1)).Breached);

    [Fact]
    public void P99AboveAbsoluteOrRelativeLimit_Breaches()
    {
        Assert.True(GuardrailEvaluator.Evaluate(new Guardrails(MaxP99LatencyMs: 50, MinSamples: 10), Counters(10, 0, 80), Counters(10, 0, 1)).Breached);
        Assert.True(GuardrailEvaluator.Evaluate(new Guardrails(MaxP99Ratio: 2, MinSamples: 10), Counters(10, 0, 10), Counters(10, 0, 1)).Breached);
        Assert.False(GuardrailEvaluator.Evaluate(new Guardrails(MaxP99Ratio: 2, MinSamples: 10), Counters(10, 0, 1.5), Counters(10, 0, 1)).Breached);
    }

    [Fact]
    public void Counters_PercentilesAreWithinOnePercent()
    {
        var counters = new VariantCounters();
        for (var i = 1; i <= 1000; i++)
        {
            counters.Record(false, i / 10.0, null);
        }

        var snapshot = counters.Snapshot();
        Assert.InRange(snapshot.P50, 49.5, 50.5);
        Assert.InRange(snapshot.P90, 89.1, 90.9);
        Assert.InRange(snapshot.P99, 98.0, 100);
    }

    [Fact]
    public void Counters_LatenciesOutsideTheRangeAreClampedNotThrown()
    {
        var counters = new VariantCounters();
        counters.Record(false, double.NaN, null);
        counters.Record(false, -1, null);
        counters.Record(false, 1e9, null);

        var snapshot = counters.Snapshot();
        Assert.Equal(3, snapshot.Requests);
        Assert.InRange(snapshot.P99, 99_000, 101_000);
    }

    private static VariantSnapshot Counters(int requests, int errors, double latencyMs)
    {
        var counters = new VariantCounters();
        for (var i = 0; i < requests; i++)
        {
            counters.Record(i < errors, latencyMs, null);
        }

        return counters.Snapshot();
    }
}
