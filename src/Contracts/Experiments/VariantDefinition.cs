using Orleans;
using Orleans.Concurrency;

namespace OrleansInference.Contracts.Experiments;

/// <summary>One arm of an experiment: a model version and its share of users.</summary>
/// <param name="Name">The variant name, unique in the experiment.</param>
/// <param name="Version">The model version serving it.</param>
/// <param name="Weight">Percentage of users, 0 to 100.</param>
/// <param name="Baseline">True for the control every other variant is compared with.</param>
[GenerateSerializer]
[Immutable]
[Alias("oi.VariantDefinition")]
public sealed record VariantDefinition([property: Id(0)] string Name, [property: Id(1)] string Version, [property: Id(2)] int Weight, [property: Id(3)] bool Baseline = false);
