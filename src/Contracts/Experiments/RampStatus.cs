using Orleans;
using Orleans.Concurrency;

namespace OrleansInference.Contracts.Experiments;

/// <summary>Where a canary ramp stands.</summary>
/// <param name="Plan">The plan.</param>
/// <param name="StepIndex">Index into the plan's steps.</param>
/// <param name="StepStartedAt">When the current step started.</param>
/// <param name="Completed">True once the last step's duration passed with guardrails holding.</param>
[GenerateSerializer]
[Immutable]
[Alias("oi.RampStatus")]
public sealed record RampStatus([property: Id(0)] RampPlan Plan, [property: Id(1)] int StepIndex, [property: Id(2)] DateTimeOffset StepStartedAt, [property: Id(3)] bool Completed = false)
{
    /// <summary>The candidate's current share in percent.</summary>
    public int CurrentPercentage => Plan.Steps[StepIndex];
}
