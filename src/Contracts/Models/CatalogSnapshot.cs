using System.Collections.Immutable;
using Orleans;
using Orleans.Concurrency;

namespace OrleansInference.Contracts.Models;

/// <summary>The whole catalog at one <see cref="Revision"/>: registered versions and the active experiment of each model.</summary>
/// <param name="Revision">Which state this is.</param>
/// <param name="Versions">Every registered version, ordered by name then version.</param>
/// <param name="ActiveExperiments">Model name → the id of its active experiment (at most one per model).</param>
[GenerateSerializer]
[Immutable]
[Alias("oi.CatalogSnapshot")]
public sealed record CatalogSnapshot(
    [property: Id(0)] CatalogRevision Revision,
    [property: Id(1)] ImmutableArray<CatalogVersion> Versions,
    [property: Id(2)] ImmutableDictionary<string, string> ActiveExperiments);
