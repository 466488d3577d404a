using Orleans;
using Orleans.Concurrency;

namespace OrleansInference.Contracts.Experiments;

/// <summary>One entry of an experiment's history.</summary>
/// <param name="At">When it happened.</param>
/// <param name="Kind">created, updated, ramp_started, ramp_step, ramp_completed, rollback, promoted, aborted.</param>
/// <param name="Message">What happened, in a sentence.</param>
/// <param name="Evidence">The numbers behind it (for a rollback: error rates, p99s, sample sizes, limits).</param>
[GenerateSerializer]
[Immutable]
[Alias("oi.ExperimentEvent")]
public sealed record ExperimentEvent([property: Id(0)] DateTimeOffset At, [property: Id(1)] string Kind, [property: Id(2)] string Message, [property: Id(3)] IReadOnlyDictionary<string, double>? Evidence = null);
