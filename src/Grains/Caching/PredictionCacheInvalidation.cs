using OrleansInference.Grid.Catalog;

namespace OrleansInference.Grains.Caching;

/// <summary>
/// Drops a loaded version's cached answers on this silo when its registry entry changes (stage, checksum or config) or
/// it leaves the catalog: every silo's catalog replica sees the change, so every silo drops its own. A shared cache moves
/// to the new entry's generation, so the answers other silos stored under the old one are not read again either.
/// Disposed with the version's runtime.
/// </summary>
public sealed class PredictionCacheInvalidation : IDisposable
{
    private readonly ModelCatalog _catalog;
    private readonly CatalogEntry _entry;
    private readonly PredictionCache _local;
    private readonly SharedPredictionCache? _shared;

    public PredictionCacheInvalidation(ModelCatalog catalog, CatalogEntry entry, PredictionCache local, SharedPredictionCache? shared)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(local);
        _catalog = catalog;
        _entry = entry;
        _local = local;
        _shared = shared;
        _catalog.VersionsChanged += OnVersionsChanged;
        // A change applied between reading the entry and subscribing would otherwise go unnoticed.
        if (!_catalog.TryGet(entry.Name, entry.Version, out var now) || !ReferenceEquals(now, entry))
        {
            OnVersionsChanged([entry.VersionKey]);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _catalog.VersionsChanged -= OnVersionsChanged;

    private void OnVersionsChanged(IReadOnlyList<string> versionKeys)
    {
        if (!versionKeys.Contains(_entry.VersionKey, StringComparer.Ordinal))
        {
            return;
        }

        if (_shared is not null && _catalog.TryGet(_entry.Name, _entry.Version, out var current))
        {
            _shared.Renew(current);
        }
        else
        {
            _local.Clear();
        }
    }
}
