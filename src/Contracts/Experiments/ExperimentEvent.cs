namespace OrleansInference.Contracts.Experiments;

/// <summary>One entry of an experiment's history.</summary>
/// <param name="At">When it happened.</param>
/// <param name="Kind">created, updated, ramp_started, ramp_step, ramp_completed, rollback, promoted, aborted.</param>
/// <param name="Message">What happened, in a sentence.</param>
/// <param name="Evidence">The numbers behind it (for a rollback: error rates, p99s, sample sizes, limits).</param>
public sealed record ExperimentEvent(DateTimeOffset At, string Kind, string Message, IReadOnlyDictionary<string, double>? Evidence = null);
