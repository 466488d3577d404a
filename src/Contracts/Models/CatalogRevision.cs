using Orleans;
using Orleans.Concurrency;

namespace OrleansInference.Contracts.Models;

/// <summary>
/// Identifies one state of the catalog: the catalog grain's activation (<paramref name="Epoch"/>, new after it moves to
/// another silo) and a counter it raises on every change. Replicas compare for equality, never for order.
/// </summary>
[GenerateSerializer]
[Immutable]
[Alias("oi.CatalogRevision")]
public readonly record struct CatalogRevision([property: Id(0)] Guid Epoch, [property: Id(1)] long Counter)
{
    /// <summary>What a replica knows before its first snapshot.</summary>
    public static CatalogRevision None => default;
}
