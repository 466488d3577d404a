using OrleansInference.Grid.Catalog;

namespace OrleansInference.Grains.Caching;

/// <summary>
/// Creates a loaded version's result cache from its config: this silo's <see cref="PredictionCache"/> (the embedded
/// default), and in front of nothing else unless an <see cref="ISharedPredictionStore"/> is registered (cluster mode),
/// in which case a <see cref="SharedPredictionCache"/> puts the store behind it.
/// </summary>
public sealed class PredictionCacheFactory(TimeProvider time, ISharedPredictionStore? shared = null)
{
    /// <summary>True when answers are shared through a store every silo reads.</summary>
    public bool IsShared => shared is not null;

    /// <summary>The caches of <paramref name="entry"/>; both null when its config does not enable caching.</summary>
    public (PredictionCache? Local, SharedPredictionCache? Shared) Create(CatalogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Config.Cache is not { TtlSeconds: > 0 } config)
        {
            return (null, null);
        }

        var ttl = TimeSpan.FromSeconds(config.TtlSeconds);
        var local = new PredictionCache(ttl, config.MaxEntries, time);
        return (local, shared is null ? null : new SharedPredictionCache(shared, local, entry, ttl, time));
    }
}
