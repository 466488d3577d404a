using System.Collections.Frozen;
using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using OrleansInference.Grains.Registry;
using OrleansInference.Grains.Repository;

namespace OrleansInference.Grains.Catalog;

/// <summary>
/// The silo's view of every registered model version: the repository's artifacts joined with the registry's
/// records. Reads are lock-free over an immutable snapshot; changes swap the snapshot.
/// </summary>
public sealed partial class ModelCatalog
{
    private readonly ModelRepository _repository;
    private readonly IModelRegistry _registry;
    private readonly TimeProvider _time;
    private readonly ILogger<ModelCatalog> _logger;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private ImmutableSortedDictionary<string, CatalogEntry> _entries = ImmutableSortedDictionary.Create<string, CatalogEntry>(StringComparer.Ordinal);

    /// <summary>The same entries indexed model → version → entry, rebuilt on every swap, for lookups on the request path.</summary>
    private FrozenDictionary<string, FrozenDictionary<string, CatalogEntry>> _byModel = FrozenDictionary<string, FrozenDictionary<string, CatalogEntry>>.Empty;

    public ModelCatalog(ModelRepository repository, IModelRegistry registry, TimeProvider time, ILogger<ModelCatalog> logger)
    {
        _repository = repository;
        _registry = registry;
        _time = time;
        _logger = logger;
    }

    /// <summary>Every entry, ordered by name then version.</summary>
    public IEnumerable<CatalogEntry> Entries => _entries.Values.OrderBy(e => e.Name, StringComparer.Ordinal).ThenBy(e => e.Version, Comparer<string>.Create(ModelKeys.CompareVersions));

    /// <summary>Distinct model names.</summary>
    public IEnumerable<string> ModelNames => _entries.Values.Select(e => e.Name).Distinct(StringComparer.Ordinal);

    /// <summary>Finds one version.</summary>
    public bool TryGet(string model, string version, out CatalogEntry entry)
    {
        if (Volatile.Read(ref _byModel).TryGetValue(model, out var versions) && versions.TryGetValue(version, out var found))
        {
            entry = found;
            return true;
        }

        entry = null!;
        return false;
    }

    /// <summary>The versions of a model in ascending order; empty when the model is unknown.</summary>
    public IReadOnlyList<CatalogEntry> VersionsOf(string model) =>
        Entries.Where(e => e.Name == model).ToList();

    /// <summary>True when any version of <paramref name="model"/> is registered.</summary>
    public bool Contains(string model) => Volatile.Read(ref _byModel).ContainsKey(model);

    /// <summary>Scans the repository and registers every version the registry does not know yet.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        foreach (var descriptor in _repository.Scan())
        {
            await AddAsync(descriptor, cancellationToken);
        }

        Log.Initialized(_logger, _entries.Count, _repository.RootPath);
    }

    /// <summary>Registers a version found in (or just written to) the repository and adds it to the catalog.</summary>
    public async Task<CatalogEntry> AddAsync(ModelVersionDescriptor descriptor, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var record = await _registry.RegisterAsync(
            new ModelVersionRecord(
                descriptor.Name,
                descriptor.Version,
                descriptor.Config.Stage,
                descriptor.Sha256,
                descriptor.Config.Description,
                descriptor.Config.Metadata?.ToJsonString(),
                now,
                now),
            cancellationToken);
        if (!string.Equals(record.Sha256, descriptor.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelRepositoryException(
                $"Model '{descriptor.Key}' on disk has sha256 {descriptor.Sha256} but was registered with {record.Sha256}; refusing to serve a changed artifact.");
        }

        var entry = new CatalogEntry(descriptor, record);
        await SwapAsync(entries => entries.SetItem(descriptor.Key, entry), cancellationToken);
        return entry;
    }

    /// <summary>Changes a version's stage in the registry and the catalog; null when the version is unknown.</summary>
    public async Task<CatalogEntry?> SetStageAsync(string model, string version, string stage, CancellationToken cancellationToken)
    {
        if (!TryGet(model, version, out var entry))
        {
            return null;
        }

        var record = await _registry.SetStageAsync(model, version, stage, cancellationToken);
        if (record is null)
        {
            return null;
        }

        var updated = entry.WithRecord(record);
        await SwapAsync(entries => entries.SetItem(entry.Descriptor.Key, updated), cancellationToken);
        return updated;
    }

    private async Task SwapAsync(Func<ImmutableSortedDictionary<string, CatalogEntry>, ImmutableSortedDictionary<string, CatalogEntry>> change, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            var entries = change(_entries);
            Volatile.Write(ref _entries, entries);
            Volatile.Write(ref _byModel, entries.Values
                .GroupBy(e => e.Name, StringComparer.Ordinal)
                .ToFrozenDictionary(g => g.Key, g => g.ToFrozenDictionary(e => e.Version, StringComparer.Ordinal), StringComparer.Ordinal));
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1200, Level = LogLevel.Information, Message = "Model catalog holds {Count} versions from {Root}.")]
        public static partial void Initialized(ILogger logger, int count, string root);
    }
}
