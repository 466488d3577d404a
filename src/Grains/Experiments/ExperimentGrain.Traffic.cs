using OrleansInference.Contracts.Experiments;

namespace OrleansInference.Grains.Experiments;

/// <summary>The request path: assignment and outcome recording; both interleave and never wait for a turn.</summary>
public sealed partial class ExperimentGrain
{
    /// <inheritdoc />
    public ValueTask<VariantAssignment?> AssignAsync(string? userId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Volatile.Read(ref _table)?.Assign(userId));

    /// <inheritdoc />
    public ValueTask RecordAsync(VariantOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (!_counters.TryGetValue(outcome.Variant, out var counters))
        {
            return ValueTask.CompletedTask;
        }

        counters.Record(outcome.Failed, outcome.LatencyMs, outcome.Predictions);
        if (_window is { } window && _info is { State: ExperimentState.Ramping, Ramp: { } ramp } && window.For(outcome.Variant) is { } windowed)
        {
            windowed.Record(outcome.Failed, outcome.LatencyMs, null);
            if (window.Candidate.Requests >= ramp.Plan.Guardrails.MinSamples
                && GuardrailEvaluator.Evaluate(ramp.Plan.Guardrails, window.Candidate.Snapshot(), window.Baseline.Snapshot()).Breached)
            {
                QueueEvaluation();
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask RecordFeedbackAsync(VariantFeedback feedback, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        if (_counters.TryGetValue(feedback.Variant, out var counters))
        {
            counters.RecordFeedback(feedback.Correct, feedback.Reward);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask RecordShadowAsync(ShadowOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        Volatile.Read(ref _shadow).Record(outcome);
        return ValueTask.CompletedTask;
    }
}
