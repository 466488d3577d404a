using Orleans;

namespace OrleansInference.Contracts.Experiments;

/// <summary>Lifecycle of an experiment.</summary>
[GenerateSerializer]
[Alias("oi.ExperimentState")]
public enum ExperimentState
{
    /// <summary>Splitting traffic by the configured weights.</summary>
    Running,

    /// <summary>A canary ramp is moving traffic to one variant step by step under guardrails.</summary>
    Ramping,

    /// <summary>A guardrail tripped: every user gets the baseline until an operator promotes, ramps again or aborts.</summary>
    RolledBack,

    /// <summary>Ended: a variant became the model's deployment.</summary>
    Promoted,

    /// <summary>Ended by an operator; the model's own deployment serves.</summary>
    Aborted,
}
