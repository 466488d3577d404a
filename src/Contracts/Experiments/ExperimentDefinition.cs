using Orleans;
using Orleans.Concurrency;

namespace OrleansInference.Contracts.Experiments;

/// <summary>What an operator asks for when creating an experiment.</summary>
/// <param name="Id">The experiment id: letters, digits, '-', '_' or '.', at most 64 characters.</param>
/// <param name="Model">The model whose traffic the experiment splits.</param>
/// <param name="Variants">The variants; exactly one is the baseline; weights are percentages summing to 100.</param>
/// <param name="Overrides">User id to variant name: these users always get that variant.</param>
/// <param name="ShadowVersion">A version that receives a copy of live traffic; its answers never reach clients.</param>
/// <param name="PlannedSampleSize">Requests (or labelled predictions) per variant the analysis needs before reading significance.</param>
[GenerateSerializer]
[Immutable]
[Alias("oi.ExperimentDefinition")]
public sealed record ExperimentDefinition(
    [property: Id(0)] string Id,
    [property: Id(1)] string Model,
    [property: Id(2)] IReadOnlyList<VariantDefinition> Variants,
    [property: Id(3)] IReadOnlyDictionary<string, string>? Overrides = null,
    [property: Id(4)] string? ShadowVersion = null,
    [property: Id(5)] int PlannedSampleSize = 1000);
