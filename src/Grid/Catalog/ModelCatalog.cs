using System.Collections.Frozen;
using System.Collections.Immutable;
using Orleans;
using OrleansInference.Contracts.Models;
using OrleansInference.Grid.Repository;

namespace OrleansInference.Grid.Catalog;

/// <summary>
/// This node's read replica of the grid's catalog (<see cref="ICatalogGrain"/>): every registered model version with its
/// processors, and the active experiment of each model. Reads are lock-free over an immutable snapshot that
/// <see cref="CatalogReplicator"/> keeps current; changes go to the catalog grain and the answer is applied at once, so a
/// node sees its own changes immediately and everyone else's within moments.
/// </summary>
public sealed class ModelCatalog
{
    private readonly IGrainFactory _grains;
    private readonly ModelRepository _repository;
    private readonly Lock _applyGate = new();
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private State _state = State.Empty;

    public ModelCatalog(IGrainFactory grains, ModelRepository repository)
    {
        _grains = grains;
        _repository = repository;
    }

    /// <summary>Which catalog state the replica holds.</summary>
    public CatalogRevision Revision => Volatile.Read(ref _state).Revision;

    /// <summary>True once the replica holds a snapshot.</summary>
    public bool IsSynced => _synced.Task.IsCompleted;

    /// <summary>Every entry, ordered by name then version.</summary>
    public IEnumerable<CatalogEntry> Entries => Volatile.Read(ref _state).Ordered;

    /// <summary>Distinct model names.</summary>
    public IEnumerable<string> ModelNames => Volatile.Read(ref _state).ByModel.Keys.Order(StringComparer.Ordinal);

    /// <summary>Finds one version.</summary>
    public bool TryGet(string model, string version, out CatalogEntry entry)
    {
        if (Volatile.Read(ref _state).ByModel.TryGetValue(model, out var versions) && versions.TryGetValue(version, out var found))
        {
            entry = found;
            return true;
        }

        entry = null!;
        return false;
    }

    /// <summary>The versions of a model in ascending order; empty when the model is unknown.</summary>
    public IReadOnlyList<CatalogEntry> VersionsOf(string model) =>
        Volatile.Read(ref _state).Ordered.Where(e => e.Name == model).ToList();

    /// <summary>True when any version of <paramref name="model"/> is registered.</summary>
    public bool Contains(string model) => Volatile.Read(ref _state).ByModel.ContainsKey(model);

    /// <summary>The id of the experiment active on <paramref name="model"/>, if any.</summary>
    public bool TryGetActiveExperiment(string model, out string experimentId) =>
        Volatile.Read(ref _state).ActiveExperiments.TryGetValue(model, out experimentId!);

    /// <summary>Completes once the replica holds its first snapshot (fetching it if nobody has yet).</summary>
    public Task EnsureSyncedAsync(CancellationToken cancellationToken) =>
        IsSynced ? Task.CompletedTask : RefreshAsync(cancellationToken);

    /// <summary>Fetches the current snapshot from the catalog grain and applies it.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken) =>
        Apply(await Catalog.GetAsync(cancellationToken));

    /// <summary>
    /// Finds a version, refreshing the replica once when it does not know it yet (a version registered moments ago
    /// through another node); null when the catalog does not have it either.
    /// </summary>
    public async ValueTask<CatalogEntry?> FindAsync(string model, string version, CancellationToken cancellationToken)
    {
        if (TryGet(model, version, out var entry))
        {
            return entry;
        }

        await RefreshAsync(cancellationToken);
        return TryGet(model, version, out entry) ? entry : null;
    }

    /// <summary>Registers every version the shared repository holds that is not registered yet (silo start-up).</summary>
    public async Task ScanRepositoryAsync(CancellationToken cancellationToken) =>
        Apply(await Catalog.ScanRepositoryAsync(cancellationToken));

    /// <summary>Registers a version whose files are in the shared repository.</summary>
    public async Task<CatalogChange> RegisterAsync(string model, string version, CancellationToken cancellationToken)
    {
        var change = await Catalog.RegisterAsync(model, version, cancellationToken);
        Apply(change.Snapshot);
        return change;
    }

    /// <summary>Changes a version's stage; null when the version is unknown.</summary>
    public async Task<CatalogEntry?> SetStageAsync(string model, string version, string stage, CancellationToken cancellationToken)
    {
        var change = await Catalog.SetStageAsync(model, version, stage, cancellationToken);
        Apply(change.Snapshot);
        return change.Applied && TryGet(model, version, out var entry) ? entry : null;
    }

    /// <summary>Makes an experiment the model's active one unless another is; returns the holder.</summary>
    public async Task<string> ClaimExperimentAsync(string model, string experimentId, CancellationToken cancellationToken)
    {
        var holder = await Catalog.ClaimExperimentAsync(model, experimentId, cancellationToken);
        await RefreshAsync(cancellationToken);
        return holder;
    }

    /// <summary>Ends an experiment's hold on its model.</summary>
    public async Task ReleaseExperimentAsync(string model, string experimentId, CancellationToken cancellationToken)
    {
        await Catalog.ReleaseExperimentAsync(model, experimentId, cancellationToken);
        await RefreshAsync(cancellationToken);
    }

    /// <summary>
    /// Raised after a snapshot is applied with the version key (<c>"{name}/{version}"</c>) of every version whose entry
    /// changed (stage, checksum or config) or that left the catalog; not for versions added. Handlers run on the applying
    /// thread and must be quick.
    /// </summary>
    public event Action<IReadOnlyList<string>>? VersionsChanged;

    /// <summary>Applies a snapshot unless the replica holds it already; entries whose version did not change are kept.</summary>
    public void Apply(CatalogSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        List<string>? changed = null;
        lock (_applyGate)
        {
            var current = _state;
            if (current.Revision == snapshot.Revision && IsSynced)
            {
                return;
            }

            var entries = new List<CatalogEntry>(snapshot.Versions.Length);
            foreach (var version in snapshot.Versions)
            {
                // A known version keeps its parsed config and processors; only its registry facts (stage) can change.
                entries.Add(current.ByModel.TryGetValue(version.Name, out var known) && known.TryGetValue(version.Version, out var entry) && entry.Published.Sha256 == version.Sha256
                    ? entry.Stage == version.Stage && entry.Published.StageChangedAt == version.StageChangedAt ? entry : entry.WithPublished(version)
                    : CatalogEntry.From(version, _repository));
            }

            var next = new State(snapshot.Revision, entries, snapshot.ActiveExperiments);
            foreach (var before in current.Ordered)
            {
                if (!next.ByModel.TryGetValue(before.Name, out var versions) || !versions.TryGetValue(before.Version, out var after) || !ReferenceEquals(before, after))
                {
                    (changed ??= []).Add(before.VersionKey);
                }
            }

            Volatile.Write(ref _state, next);
        }

        _synced.TrySetResult();
        if (changed is not null)
        {
            VersionsChanged?.Invoke(changed);
        }
    }

    private ICatalogGrain Catalog => _grains.GetGrain<ICatalogGrain>(0);

    /// <summary>One applied snapshot, indexed for the request path.</summary>
    private sealed class State
    {
        public static readonly State Empty = new(CatalogRevision.None, [], ImmutableDictionary<string, string>.Empty);

        public State(CatalogRevision revision, IReadOnlyList<CatalogEntry> ordered, ImmutableDictionary<string, string> activeExperiments)
        {
            Revision = revision;
            Ordered = ordered;
            ActiveExperiments = activeExperiments;
            ByModel = ordered
                .GroupBy(e => e.Name, StringComparer.Ordinal)
                .ToFrozenDictionary(g => g.Key, g => g.ToFrozenDictionary(e => e.Version, StringComparer.Ordinal), StringComparer.Ordinal);
        }

        public CatalogRevision Revision { get; }

        public IReadOnlyList<CatalogEntry> Ordered { get; }

        public ImmutableDictionary<string, string> ActiveExperiments { get; }

        public FrozenDictionary<string, FrozenDictionary<string, CatalogEntry>> ByModel { get; }
    }
}
