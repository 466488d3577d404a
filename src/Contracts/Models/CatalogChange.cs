using Orleans;
using Orleans.Concurrency;

namespace OrleansInference.Contracts.Models;

/// <summary>How a change to the catalog ended.</summary>
[GenerateSerializer]
[Alias("oi.CatalogOutcome")]
public enum CatalogOutcome
{
    /// <summary>Applied; the snapshot holds it.</summary>
    Applied,

    /// <summary>The model or version is not registered.</summary>
    NotFound,

    /// <summary>The version is registered already.</summary>
    Conflict,

    /// <summary>The version's files or config are invalid; the error says why.</summary>
    Invalid,
}

/// <summary>The outcome of a change, the catalog after it, and a message naming the model and reason when it failed.</summary>
[GenerateSerializer]
[Immutable]
[Alias("oi.CatalogChange")]
public sealed record CatalogChange(
    [property: Id(0)] CatalogOutcome Outcome,
    [property: Id(1)] CatalogSnapshot Snapshot,
    [property: Id(2)] string? Error = null)
{
    /// <summary>True when the change was applied.</summary>
    public bool Applied => Outcome == CatalogOutcome.Applied;
}
