namespace OrleansInference.Contracts.Experiments;

/// <summary>One arm of an experiment: a model version and its share of users.</summary>
/// <param name="Name">The variant name, unique in the experiment.</param>
/// <param name="Version">The model version serving it.</param>
/// <param name="Weight">Percentage of users, 0 to 100.</param>
/// <param name="Baseline">True for the control every other variant is compared with.</param>
public sealed record VariantDefinition(string Name, string Version, int Weight, bool Baseline = false);
