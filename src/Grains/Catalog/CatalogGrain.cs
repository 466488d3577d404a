using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Orleans;
using OrleansInference.Contracts.Models;
using OrleansInference.Grains.Experiments;
using OrleansInference.Grains.Registry;
using OrleansInference.Grid.Repository;
using OrleansInference.Grid.Catalog;

namespace OrleansInference.Grains.Catalog;

/// <summary>
/// The grid's one catalog: joins the durable registry (stages, checksums) with the shared model repository (configs)
/// and the experiment store (which experiment is active per model), publishes it as immutable snapshots and wakes
/// every replica's long poll on each change. Changes take turns; reads and polls interleave.
/// </summary>
[KeepAlive] // every replica polls it; reactivation would only cost a rebuild
public sealed partial class CatalogGrain : Grain, ICatalogGrain
{
    /// <summary>The longest a poll is held open, well inside Orleans' response timeout.</summary>
    internal static readonly TimeSpan MaxPollWait = TimeSpan.FromSeconds(15);

    private readonly ModelRepository _repository;
    private readonly IModelRegistry _registry;
    private readonly IExperimentStore _experiments;
    private readonly TimeProvider _time;
    private readonly ILogger<CatalogGrain> _logger;
    private readonly Guid _epoch = Guid.NewGuid();
    private ImmutableSortedDictionary<string, CatalogVersion> _versions = ImmutableSortedDictionary.Create<string, CatalogVersion>(StringComparer.Ordinal);
    private ImmutableDictionary<string, string> _active = ImmutableDictionary.Create<string, string>(StringComparer.Ordinal);
    private CatalogSnapshot _snapshot = null!;
    private TaskCompletionSource _changed = NewSignal();

    public CatalogGrain(ModelRepository repository, IModelRegistry registry, IExperimentStore experiments, TimeProvider time, ILogger<CatalogGrain> logger)
    {
        _repository = repository;
        _registry = registry;
        _experiments = experiments;
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Every registered version whose files the shared repository holds; one that vanished is logged, not served.
        var versions = _versions.ToBuilder();
        foreach (var record in await _registry.ListAsync(null, cancellationToken))
        {
            try
            {
                var descriptor = await _repository.LoadAsync(record.Name, record.Version, cancellationToken);
                versions[descriptor.Key] = ToVersion(descriptor, record);
            }
            catch (ModelRepositoryException ex)
            {
                Log.VersionUnavailable(_logger, record.Name, record.Version, ex.Message);
            }
        }

        var active = _active.ToBuilder();
        foreach (var experiment in await _experiments.ListAsync(cancellationToken))
        {
            if (experiment.IsActive)
            {
                active[experiment.Model] = experiment.Id;
            }
        }

        _versions = versions.ToImmutable();
        _active = active.ToImmutable();
        Publish(counter: 1);
        Log.Activated(_logger, _versions.Count, _active.Count, _repository.Location);
    }

    /// <inheritdoc />
    public Task<CatalogSnapshot> GetAsync(CancellationToken cancellationToken) => Task.FromResult(_snapshot);

    /// <inheritdoc />
    public async Task<CatalogSnapshot> WaitForChangeAsync(CatalogRevision known, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var snapshot = _snapshot;
        if (snapshot.Revision != known)
        {
            return snapshot;
        }

        var wait = maxWait <= TimeSpan.Zero || maxWait > MaxPollWait ? MaxPollWait : maxWait;
        var changed = _changed.Task;
        await Task.WhenAny(changed, Task.Delay(wait, _time, cancellationToken));
        return _snapshot;
    }

    /// <inheritdoc />
    public async Task<CatalogSnapshot> ScanRepositoryAsync(CancellationToken cancellationToken)
    {
        var added = 0;
        IReadOnlyList<ModelVersionDescriptor> found;
        try
        {
            found = await _repository.ScanAsync(cancellationToken);
        }
        catch (ModelRepositoryUnavailableException ex)
        {
            // The catalog keeps what it has; a later scan or registration reads the repository again.
            Log.ScanFailed(_logger, ex.Message);
            return _snapshot;
        }

        foreach (var descriptor in found)
        {
            if (_versions.ContainsKey(descriptor.Key))
            {
                continue;
            }

            var outcome = await AddAsync(descriptor, cancellationToken);
            if (outcome is null)
            {
                added++;
            }
            else
            {
                Log.VersionUnavailable(_logger, descriptor.Name, descriptor.Version, outcome);
            }
        }

        if (added > 0)
        {
            Publish(_snapshot.Revision.Counter + 1);
            Log.Scanned(_logger, added, _repository.Location);
        }

        return _snapshot;
    }

    /// <inheritdoc />
    public async Task<CatalogChange> RegisterAsync(string model, string version, CancellationToken cancellationToken)
    {
        if (_versions.ContainsKey(ModelKeys.VersionKey(model, version)))
        {
            return new CatalogChange(CatalogOutcome.Conflict, _snapshot, $"Model '{model}/{version}' is already registered.");
        }

        ModelVersionDescriptor descriptor;
        try
        {
            descriptor = await _repository.LoadAsync(model, version, cancellationToken);
        }
        catch (ModelRepositoryUnavailableException ex)
        {
            // A failure of the storage, not of the version: the caller answers 503 and may retry.
            throw new StateStoreUnavailableException(ex.Message);
        }
        catch (ModelRepositoryException ex)
        {
            return new CatalogChange(CatalogOutcome.Invalid, _snapshot, ex.Message);
        }

        if (await AddAsync(descriptor, cancellationToken) is { } error)
        {
            return new CatalogChange(CatalogOutcome.Invalid, _snapshot, error);
        }

        Publish(_snapshot.Revision.Counter + 1);
        Log.Registered(_logger, model, version, descriptor.Config.Stage);
        return new CatalogChange(CatalogOutcome.Applied, _snapshot);
    }

    /// <inheritdoc />
    public async Task<CatalogChange> SetStageAsync(string model, string version, string stage, CancellationToken cancellationToken)
    {
        if (!_versions.TryGetValue(ModelKeys.VersionKey(model, version), out var current))
        {
            return new CatalogChange(CatalogOutcome.NotFound, _snapshot, $"Model '{model}' has no version '{version}'.");
        }

        var record = await _registry.SetStageAsync(model, version, stage, cancellationToken);
        if (record is null)
        {
            return new CatalogChange(CatalogOutcome.NotFound, _snapshot, $"Model '{model}' has no version '{version}' in the registry.");
        }

        _versions = _versions.SetItem(ModelKeys.VersionKey(model, version), current with { Stage = record.Stage, StageChangedAt = record.StageChangedAt });
        Publish(_snapshot.Revision.Counter + 1);
        Log.StageChanged(_logger, model, version, record.Stage);
        return new CatalogChange(CatalogOutcome.Applied, _snapshot);
    }

    /// <inheritdoc />
    public Task<string> ClaimExperimentAsync(string model, string experimentId, CancellationToken cancellationToken)
    {
        if (_active.TryGetValue(model, out var holder))
        {
            return Task.FromResult(holder);
        }

        _active = _active.SetItem(model, experimentId);
        Publish(_snapshot.Revision.Counter + 1);
        return Task.FromResult(experimentId);
    }

    /// <inheritdoc />
    public Task ReleaseExperimentAsync(string model, string experimentId, CancellationToken cancellationToken)
    {
        if (_active.TryGetValue(model, out var holder) && holder == experimentId)
        {
            _active = _active.Remove(model);
            Publish(_snapshot.Revision.Counter + 1);
        }

        return Task.CompletedTask;
    }

    /// <summary>Registers a version in the registry and adds it; returns why not when its checksum disagrees with the registry.</summary>
    private async Task<string?> AddAsync(ModelVersionDescriptor descriptor, CancellationToken cancellationToken)
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
            return $"Model '{descriptor.Key}' on disk has sha256 {descriptor.Sha256} but was registered with {record.Sha256}; refusing to serve a changed artifact.";
        }

        _versions = _versions.SetItem(descriptor.Key, ToVersion(descriptor, record));
        return null;
    }

    private static CatalogVersion ToVersion(ModelVersionDescriptor descriptor, ModelVersionRecord record) => new(
        record.Name,
        record.Version,
        record.Stage,
        record.Sha256,
        record.Description,
        record.MetadataJson,
        record.RegisteredAt,
        record.StageChangedAt,
        ModelRepository.SerializeConfig(descriptor.Config));

    /// <summary>Swaps in a new snapshot and wakes every waiting poll.</summary>
    private void Publish(long counter)
    {
        _snapshot = new CatalogSnapshot(
            new CatalogRevision(_epoch, counter),
            [.. _versions.Values.OrderBy(v => v.Name, StringComparer.Ordinal).ThenBy(v => v.Version, Comparer<string>.Create(ModelKeys.CompareVersions))],
            _active);
        var changed = _changed;
        _changed = NewSignal();
        changed.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Catalog activated with {Versions} versions and {Experiments} active experiments; repository {Root}.")]
        public static partial void Activated(ILogger logger, int versions, int experiments, string root);

        [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "Catalog registered {Count} new versions found in {Root}.")]
        public static partial void Scanned(ILogger logger, int count, string root);

        [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "Catalog registered {Model}/{Version} in stage {Stage}.")]
        public static partial void Registered(ILogger logger, string model, string version, string stage);

        [LoggerMessage(EventId = 1204, Level = LogLevel.Information, Message = "Catalog moved {Model}/{Version} to stage {Stage}.")]
        public static partial void StageChanged(ILogger logger, string model, string version, string stage);

        [LoggerMessage(EventId = 1205, Level = LogLevel.Warning, Message = "Registered version {Model}/{Version} is not served: {Reason}")]
        public static partial void VersionUnavailable(ILogger logger, string model, string version, string reason);

        [LoggerMessage(EventId = 1206, Level = LogLevel.Warning, Message = "Catalog could not scan the model repository: {Reason}")]
        public static partial void ScanFailed(ILogger logger, string reason);
    }
}
