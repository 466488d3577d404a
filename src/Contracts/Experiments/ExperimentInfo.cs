namespace OrleansInference.Contracts.Experiments;

/// <summary>An experiment as stored: its definition with the current weights, state and ramp.</summary>
/// <param name="Id">The experiment id.</param>
/// <param name="Model">The model.</param>
/// <param name="State">Lifecycle state.</param>
/// <param name="Variants">The variants with their current weights.</param>
/// <param name="Overrides">User id to variant name.</param>
/// <param name="ShadowVersion">The shadowed version, if any.</param>
/// <param name="PlannedSampleSize">Planned sample per variant.</param>
/// <param name="Ramp">The canary ramp, when one was started.</param>
/// <param name="Revision">Increases on every change.</param>
/// <param name="CreatedAt">Creation time.</param>
/// <param name="UpdatedAt">Time of the last change.</param>
public sealed record ExperimentInfo(
    string Id,
    string Model,
    ExperimentState State,
    IReadOnlyList<VariantDefinition> Variants,
    IReadOnlyDictionary<string, string> Overrides,
    string? ShadowVersion,
    int PlannedSampleSize,
    RampStatus? Ramp,
    long Revision,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>True while the experiment routes traffic (running, ramping or rolled back).</summary>
    public bool IsActive => State is ExperimentState.Running or ExperimentState.Ramping or ExperimentState.RolledBack;

    /// <summary>The baseline variant.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public VariantDefinition Baseline => Variants.First(v => v.Baseline);
}
