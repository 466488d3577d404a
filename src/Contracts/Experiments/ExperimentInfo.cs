using Orleans;
using Orleans.Concurrency;

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
[GenerateSerializer]
[Immutable]
[Alias("oi.ExperimentInfo")]
public sealed record ExperimentInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] string Model,
    [property: Id(2)] ExperimentState State,
    [property: Id(3)] IReadOnlyList<VariantDefinition> Variants,
    [property: Id(4)] IReadOnlyDictionary<string, string> Overrides,
    [property: Id(5)] string? ShadowVersion,
    [property: Id(6)] int PlannedSampleSize,
    [property: Id(7)] RampStatus? Ramp,
    [property: Id(8)] long Revision,
    [property: Id(9)] DateTimeOffset CreatedAt,
    [property: Id(10)] DateTimeOffset UpdatedAt)
{
    /// <summary>True while the experiment routes traffic (running, ramping or rolled back).</summary>
    public bool IsActive => State is ExperimentState.Running or ExperimentState.Ramping or ExperimentState.RolledBack;

    /// <summary>The baseline variant.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public VariantDefinition Baseline => Variants.First(v => v.Baseline);
}
