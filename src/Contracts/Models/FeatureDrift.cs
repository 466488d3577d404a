using Orleans;
using Orleans.Concurrency;

namespace OrleansInference.Contracts.Models;

/// <summary>One feature's drift: the population stability index of live values against the training profile.</summary>
/// <param name="Feature">The feature name.</param>
/// <param name="Psi">Population stability index; under 0.1 stable, 0.1 to 0.25 moderate, above 0.25 drifted.</param>
/// <param name="Status"><c>stable</c>, <c>moderate</c> or <c>drift</c>.</param>
/// <param name="LiveFractions">Share of live values per reference bin.</param>
/// <param name="ReferenceFractions">Share of training values per bin.</param>
/// <param name="Ks">
/// Two-sample Kolmogorov–Smirnov statistic over the reference bins: the largest gap between the live and the training
/// cumulative shares, 0 (same distribution) to 1.
/// </param>
[GenerateSerializer]
[Immutable]
[Alias("oi.FeatureDrift")]
public sealed record FeatureDrift([property: Id(0)] string Feature, [property: Id(1)] double Psi, [property: Id(2)] string Status, [property: Id(3)] IReadOnlyList<double> LiveFractions, [property: Id(4)] IReadOnlyList<double> ReferenceFractions, [property: Id(5)] double Ks = 0);
