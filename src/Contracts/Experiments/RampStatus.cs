namespace OrleansInference.Contracts.Experiments;

/// <summary>Where a canary ramp stands.</summary>
/// <param name="Plan">The plan.</param>
/// <param name="StepIndex">Index into the plan's steps.</param>
/// <param name="StepStartedAt">When the current step started.</param>
/// <param name="Completed">True once the last step's duration passed with guardrails holding.</param>
public sealed record RampStatus(RampPlan Plan, int StepIndex, DateTimeOffset StepStartedAt, bool Completed = false)
{
    /// <summary>The candidate's current share in percent.</summary>
    public int CurrentPercentage => Plan.Steps[StepIndex];
}
