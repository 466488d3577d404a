using Orleans;

namespace OrleansInference.Contracts.Experiments;

/// <summary>Why an experiment operation was refused.</summary>
[GenerateSerializer]
[Alias("oi.ExperimentErrorKind")]
public enum ExperimentErrorKind
{
    /// <summary>The input is invalid; the message names the field.</summary>
    Invalid,

    /// <summary>The experiment, model or version does not exist.</summary>
    NotFound,

    /// <summary>The operation conflicts with the current state.</summary>
    Conflict,
}
