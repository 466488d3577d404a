using System.Collections.Generic;
using OrleansInference.Contracts.Experiments;

namespace OrleansInference.Grains.Experiments;

/// <summary>Canary ramp: steps on a timer, guardrails after the minimum sample, rollback at once on a breach.</summary>
public sealed partial class ExperimentGrain
{
    /// <inheritdoc />
    public async Task<ExperimentInfo> StartRampAsync(RampPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var info = RequireActive();
        if (info.State == ExperimentState.Ramping)
        {
            throw new ExperimentException(ExperimentErrorKind.Conflict, $"Experiment '{Id}' is already ramping '{info.Ramp?.Plan.Variant}'; promote or abort it first.");
        }

        ExperimentValidator.ValidateRamp(plan, info);
        var ramp = new RampStatus(plan, 0, _time.GetUtcNow());
        _window = new RampWindow(plan.Variant, info.Baseline.Name);
        var ramping = await SaveAsync(info with { State = ExperimentState.Ramping, Ramp = ramp, Variants = CanaryWeights(info, plan.Variant, plan.Steps[0]) },
            ExperimentEventKinds.RampStarted,
            $"Canary '{plan.Variant}' ramps through {string.Join("→", plan.Steps)}% ({plan.StepDuration.TotalSeconds} s per step); now at {plan.Steps[0]}%.", null, cancellationToken);
        StartRampTimer(plan);
        Log.RampStarted(_logger, Id, plan.Variant, plan.Steps[0]);
        return ramping;
    }

    /// <inheritdoc />
    public async Task EvaluateAsync(CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _evaluationQueued, 0);
        var info = _info;
        if (info is not { State: ExperimentState.Ramping, Ramp: { } ramp } || _window is not { } window)
        {
            return;
        }

        var verdict = GuardrailEvaluator.Evaluate(ramp.Plan.Guardrails, window.Candidate.Snapshot(), window.Baseline.Snapshot());
        if (verdict.Breached)
        {
            await RollbackAsync(info, ramp, verdict, cancellationToken);
            return;
        }

        var now = _time.GetUtcNow();
        if (ramp.Completed || now - ramp.StepStartedAt < ramp.Plan.StepDuration)
        {
            return;
        }

        if (ramp.StepIndex + 1 < ramp.Plan.Steps.Count)
        {
            var next = ramp with { StepIndex = ramp.StepIndex + 1, StepStartedAt = now };
            await SaveAsync(info with { Ramp = next, Variants = CanaryWeights(info, ramp.Plan.Variant, next.CurrentPercentage) }, ExperimentEventKinds.RampStep,
                $"Canary '{ramp.Plan.Variant}' moved to {next.CurrentPercentage}%; guardrails held.", verdict.Evidence, cancellationToken);
            Log.RampStep(_logger, Id, ramp.Plan.Variant, next.CurrentPercentage);
        }
        else
        {
            await SaveAsync(info with { Ramp = ramp with { Completed = true } }, ExperimentEventKinds.RampCompleted,
                $"Canary '{ramp.Plan.Variant}' completed its ramp at {ramp.CurrentPercentage}%; promote it to finish.", verdict.Evidence, cancellationToken);
        }
    }

    private async Task RollbackAsync(ExperimentInfo info, RampStatus ramp, GuardrailVerdict verdict, CancellationToken cancellationToken)
    {
        StopRampTimer();
        var baseline = info.Baseline;
        var variants = info.Variants.Select(v => v with { Weight = v.Baseline ? 100 : 0 }).ToList();

        // Route to the baseline before anything durable happens: the breach must stop traffic at once.
        Volatile.Write(ref _table, new AssignmentTable(info with { State = ExperimentState.RolledBack, Variants = variants }));
        await SaveAsync(info with { State = ExperimentState.RolledBack, Variants = variants }, ExperimentEventKinds.Rollback,
            $"Canary '{ramp.Plan.Variant}' rolled back at {ramp.CurrentPercentage}%: {verdict.Reason} All traffic returned to baseline '{baseline.Name}' ({info.Model}/{baseline.Version}).",
            verdict.Evidence, cancellationToken);

        // Counted once it is durable: a save that failed leaves the experiment ramping, and the next evaluation
        // (traffic already on the baseline) rolls back again, counted then.
        Interlocked.Increment(ref _rollbacks);
        _meter.Rollbacks.Add(1, new KeyValuePair<string, object?>("model", info.Model));
        Log.RolledBack(_logger, Id, ramp.Plan.Variant, verdict.Reason);
    }

    private void StartRampTimer(RampPlan plan)
    {
        StopRampTimer();
        var interval = TimeSpan.FromMilliseconds(Math.Min(_options.RampCheckIntervalMs, Math.Max(10, plan.StepDuration.TotalMilliseconds)));
        _rampTimer = this.RegisterGrainTimer(EvaluateAsync, interval, interval);
    }

    private void StopRampTimer()
    {
        _rampTimer?.Dispose();
        _rampTimer = null;
    }

    private void QueueEvaluation()
    {
        if (Interlocked.CompareExchange(ref _evaluationQueued, 1, 0) == 0)
        {
            _ = EvaluateInTurnAsync();
        }
    }

    private async Task EvaluateInTurnAsync()
    {
        try
        {
            await GrainFactory.GetGrain<IExperimentGrain>(Id).EvaluateAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            Interlocked.Exchange(ref _evaluationQueued, 0);
            Log.EvaluationFailed(_logger, Id, ex);
        }
    }

    private static List<VariantDefinition> CanaryWeights(ExperimentInfo info, string candidate, int percentage) =>
        [.. info.Variants.Select(v => v with { Weight = v.Name == candidate ? percentage : v.Baseline ? 100 - percentage : 0 })];
}
