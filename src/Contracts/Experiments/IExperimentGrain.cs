using Orleans;
using Orleans.Concurrency;

namespace OrleansInference.Contracts.Experiments;

/// <summary>
/// One experiment on one model, keyed by its id: weighted variants (model versions, one of them the baseline), sticky
/// user-to-variant assignment, a canary ramp with guardrails and automatic rollback, shadow traffic, per-variant
/// metrics and significance. Definitions and events are durable; metrics live on the silo hosting the activation.
/// </summary>
[Alias("oi.ExperimentGrain")]
public interface IExperimentGrain : IGrainWithStringKey
{
    /// <summary>Creates the experiment. Throws <see cref="ExperimentException"/> when it exists or its model has an active one.</summary>
    [Alias("CreateAsync")]
    Task<ExperimentInfo> CreateAsync(ExperimentDefinition definition, CancellationToken cancellationToken);

    /// <summary>The experiment, or null when none has this id.</summary>
    [AlwaysInterleave]
    [Alias("GetAsync")]
    Task<ExperimentInfo?> GetAsync(CancellationToken cancellationToken);

    /// <summary>Changes weights and per-user overrides of a running experiment.</summary>
    [Alias("UpdateAsync")]
    Task<ExperimentInfo> UpdateAsync(ExperimentUpdate update, CancellationToken cancellationToken);

    /// <summary>Starts a canary ramp of one variant against the baseline.</summary>
    [Alias("StartRampAsync")]
    Task<ExperimentInfo> StartRampAsync(RampPlan plan, CancellationToken cancellationToken);

    /// <summary>Moves every user to <paramref name="variant"/> (the ramped one when null) and ends the experiment.</summary>
    [Alias("PromoteAsync")]
    Task<ExperimentInfo> PromoteAsync(string? variant, CancellationToken cancellationToken);

    /// <summary>Ends the experiment; its model's own deployment serves again.</summary>
    [Alias("AbortAsync")]
    Task<ExperimentInfo> AbortAsync(string? reason, CancellationToken cancellationToken);

    /// <summary>The variant serving <paramref name="userId"/> (per request when null), or null when the experiment does not route.</summary>
    [AlwaysInterleave]
    [Alias("AssignAsync")]
    ValueTask<VariantAssignment?> AssignAsync(string? userId, CancellationToken cancellationToken);

    /// <summary>Records the outcome of one request a variant served; may trigger a guardrail rollback.</summary>
    [AlwaysInterleave]
    [Alias("RecordAsync")]
    ValueTask RecordAsync(VariantOutcome outcome, CancellationToken cancellationToken);

    /// <summary>Records ground truth or reward joined to one prediction of a variant.</summary>
    [AlwaysInterleave]
    [Alias("RecordFeedbackAsync")]
    ValueTask RecordFeedbackAsync(VariantFeedback feedback, CancellationToken cancellationToken);

    /// <summary>Records the comparison of one shadowed request (or its drop).</summary>
    [AlwaysInterleave]
    [Alias("RecordShadowAsync")]
    ValueTask RecordShadowAsync(ShadowOutcome outcome, CancellationToken cancellationToken);

    /// <summary>Per-variant metrics, shadow agreement, alerts and significance against the baseline.</summary>
    [AlwaysInterleave]
    [Alias("GetMetricsAsync")]
    Task<ExperimentMetrics> GetMetricsAsync(CancellationToken cancellationToken);

    /// <summary>The experiment's history, oldest first.</summary>
    [AlwaysInterleave]
    [Alias("GetEventsAsync")]
    Task<IReadOnlyList<ExperimentEvent>> GetEventsAsync(CancellationToken cancellationToken);

    /// <summary>Evaluates guardrails and advances the ramp when a step's time is up (the ramp timer calls this too).</summary>
    [Alias("EvaluateAsync")]
    Task EvaluateAsync(CancellationToken cancellationToken);
}
