using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Concurrency;
using OrleansInference.Contracts.Inference;
using OrleansInference.Contracts.Models;
using OrleansInference.Grains.Batching;
using OrleansInference.Grains.Caching;
using OrleansInference.Grid.Catalog;
using OrleansInference.Grains.Execution;
using OrleansInference.Grains.Generation;
using OrleansInference.Grains.Monitoring;
using OrleansInference.Grid.Repository;
using OrleansInference.Grains.Telemetry;

namespace OrleansInference.Grains.Models;

/// <summary>
/// One model version on this silo: loads the sessions, verifies the artifact, warms up, and serves inference
/// through its dynamic batcher. Inference calls interleave; load and unload are serialized by a gate so an
/// inference call that finds the version unloaded (or draining) waits and loads it on demand.
/// </summary>
[StatelessWorker(1, removeIdleWorkers: false)] // one owner of the version's sessions and batcher per silo that serves it
[Reentrant] // inference never waits for a turn; load and unload are serialized by their own gate
[KeepAlive] // collecting a warm version would unload a serving model and cold-start its next request
public sealed partial class ModelVersionGrain : Grain, IModelVersionGrain, ILocalModelVersion
{
    private readonly ModelCatalog _catalog;
    private readonly ModelRepository _repository;
    private readonly LocalServingDirectory _directory;
    private readonly IModelRunnerFactory _runnerFactory;
    private readonly BatchFlushOptions _flush;
    private readonly ServingMetrics _metrics;
    private readonly PredictionCacheFactory _caches;
    private readonly GenerationMetrics _generationMetrics;
    private readonly GenerationOptions _generation;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger<ModelVersionGrain> _logger;
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private ModelVersionRuntime? _runtime;
    private ModelVersionState _state = ModelVersionState.Unloaded;
    private string? _error;
    private DateTimeOffset? _readySince;
    private long _lastInferenceUnixMs;
    private (string Model, string Version)? _keyParts;
    private string? _key;

    public ModelVersionGrain(ModelCatalog catalog, LocalServingDirectory directory, IModelRunnerFactory runnerFactory, IOptions<BatchFlushOptions> flush, ServingMetrics metrics,
        PredictionCacheFactory caches, GenerationMetrics generationMetrics, IOptions<GenerationOptions> generation, TimeProvider time, ILoggerFactory loggerFactory,
        ModelRepository repository)
    {
        _repository = repository;
        _generationMetrics = generationMetrics;
        _generation = generation.Value;
        _catalog = catalog;
        _directory = directory;
        _runnerFactory = runnerFactory;
        _flush = flush.Value;
        _metrics = metrics;
        _caches = caches;
        _time = time;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<ModelVersionGrain>();
    }

    private string Key => _key ??= this.GetPrimaryKeyString();

    /// <inheritdoc />
    public Task<ModelVersionStatus> GetStatusAsync(CancellationToken cancellationToken) => Task.FromResult(Status());

    /// <inheritdoc />
    public async Task<ModelVersionStatus> LoadAsync(CancellationToken cancellationToken)
    {
        await EnsureLoadedAsync(cancellationToken);
        return Status();
    }

    /// <inheritdoc />
    public async Task<ModelVersionStatus> UnloadAsync(CancellationToken cancellationToken)
    {
        await _lifecycle.WaitAsync(cancellationToken);
        try
        {
            if (_runtime is { } runtime)
            {
                // Withdrawn first: local callers fall back to grain calls, which wait at the gate and load again.
                _directory.Withdraw(Key, this);
                _state = ModelVersionState.Draining;
                await runtime.DisposeAsync();
                _runtime = null;
                var (model, version) = SplitKey();
                _metrics.RecordLoaded(model, version, -1);
                _metrics.TrackQueue(model, version, null);
                Log.Unloaded(_logger, Key);
            }

            _state = ModelVersionState.Unloaded;
            _readySince = null;
            _error = null;
        }
        finally
        {
            _lifecycle.Release();
        }

        return Status();
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await UnloadAsync(cancellationToken);
    }

    /// <inheritdoc />
    public Task<ModelVersionStatistics> GetStatisticsAsync(CancellationToken cancellationToken)
    {
        var (model, version) = SplitKey();
        var runtime = Volatile.Read(ref _runtime);
        if (runtime is null)
        {
            return Task.FromResult(new ModelVersionStatistics(model, version, _lastInferenceUnixMs, 0, 0, 0, 0, 0, 0, 0, 0, new Dictionary<int, long>()));
        }

        var s = runtime.Batcher.Snapshot();
        return Task.FromResult(new ModelVersionStatistics(
            model, version, Volatile.Read(ref _lastInferenceUnixMs), s.InferenceCount, s.ExecutionCount, s.SuccessCount, s.SuccessNs,
            s.FailureCount, s.FailureNs, s.QueueNs, s.ComputeNs, s.BatchSizes));
    }

    /// <inheritdoc />
    public Task<DriftReport> GetDriftAsync(bool reset, CancellationToken cancellationToken)
    {
        var (model, version) = SplitKey();
        var drift = Volatile.Read(ref _runtime)?.Drift;
        if (drift is null)
        {
            return Task.FromResult(new DriftReport(model, version, "no_profile", 0, DriftMonitor.MinimumRows, null, []));
        }

        var report = drift.Report(model, version);
        if (reset)
        {
            drift.Reset();
        }

        return Task.FromResult(report);
    }

    private ModelVersionStatus Status()
    {
        var (model, version) = SplitKey();
        var runtime = Volatile.Read(ref _runtime);
        return new ModelVersionStatus(model, version, _state, runtime?.Runner.ExecutionProvider, runtime?.Runner.Instances ?? 0, _error, _readySince);
    }

    /// <summary>The model name and version of <see cref="Key"/>, split once (the key never changes).</summary>
    private (string Model, string Version) SplitKey()
    {
        if (_keyParts is { } parts)
        {
            return parts;
        }

        var slash = Key.LastIndexOf('/');
        parts = (Key[..slash], Key[(slash + 1)..]);
        _keyParts = parts;
        return parts;
    }

    /// <summary>Returns the ready runtime, loading it first if needed; null (with <see cref="_error"/>) if loading failed.</summary>
    private async ValueTask<ModelVersionRuntime?> EnsureLoadedAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _runtime) is { } ready && _state == ModelVersionState.Ready)
        {
            return ready;
        }

        await _lifecycle.WaitAsync(cancellationToken);
        try
        {
            if (_runtime is { } loaded && _state == ModelVersionState.Ready)
            {
                return loaded;
            }

            _state = ModelVersionState.Loading;
            _error = null;
            try
            {
                var runtime = await CreateRuntimeAsync(cancellationToken);
                Volatile.Write(ref _runtime, runtime);
                _readySince = _time.GetUtcNow();
                _state = ModelVersionState.Ready;
                _directory.Publish(Key, this);
                var (model, version) = SplitKey();
                _metrics.RecordLoaded(model, version, +1);
                _metrics.TrackQueue(model, version, () => runtime.Batcher.QueuedRequests);
                Log.Ready(_logger, Key, runtime.Runner.ExecutionProvider, runtime.Runner.Instances);
                return runtime;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _state = ModelVersionState.Failed;
                _error = ex.Message;
                Log.LoadFailed(_logger, Key, ex);
                return null;
            }
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Queued thread-pool work items: under load, mostly requests on their way to this version's batcher.</summary>
    private static bool ThreadPoolHasQueuedWork() => ThreadPool.PendingWorkItemCount > 0;

    private async Task<ModelVersionRuntime> CreateRuntimeAsync(CancellationToken cancellationToken)
    {
        var (model, version) = SplitKey();
        if (await _catalog.FindAsync(model, version, cancellationToken) is not { } entry)
        {
            throw new ModelRepositoryException($"Model '{Key}' is not registered.");
        }

        // With an S3 repository this node's cache gets the version's files first (verified, renamed into place whole).
        await _repository.SyncAsync(model, version, cancellationToken);
        var sha = await Task.Run(() => ModelRepository.ComputeSha256(entry.Descriptor.ModelPath), cancellationToken);
        if (!string.Equals(sha, entry.Record.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelRepositoryException($"Model '{Key}' artifact has sha256 {sha} but the registry recorded {entry.Record.Sha256}; refusing to load a changed file.");
        }

        var config = entry.Config;
        var runner = await Task.Run(() => _runnerFactory.Create(entry.Descriptor, config.Instances), cancellationToken);
        ModelVersionRuntime? runtime = null;
        try
        {
            var batchable = runner.Inputs.All(i => i.HasBatchDimension);
            var batching = config.Batching ?? new BatchingConfig();
            var options = new DynamicBatcherOptions
            {
                MaxBatchSize = batchable ? batching.MaxBatchSize : 1,
                MaxQueueDelay = TimeSpan.FromTicks(batching.MaxQueueDelayUs * TimeSpan.TicksPerMicrosecond),
                PreferredBatchSizes = batchable ? batching.PreferredBatchSizes ?? [] : [],
                MaxQueueSize = batching.MaxQueueSize,
                DefaultTimeout = TimeSpan.FromMilliseconds(batching.DefaultTimeoutMs),
                Instances = runner.Instances,
                DispatchWhenIdle = batching.DispatchWhenIdle,
                MoreWorkPending = _flush.GatherWhileThreadPoolBusy ? ThreadPoolHasQueuedWork : null,
                YieldBelow = TimeSpan.FromMicroseconds(_flush.YieldBelowMicroseconds),
            };
            var batcher = new DynamicBatcher<BatchRequest, NamedTensor[]>(
                options, new ModelBatchExecutor(runner, _metrics, _time, model, version), _time, _loggerFactory.CreateLogger<DynamicBatcher<BatchRequest, NamedTensor[]>>());
            var (cache, sharedCache) = _caches.Create(entry);
            var profile = ReferenceProfile.TryLoad(entry.Descriptor.Directory);
            var drift = profile is null ? null : new DriftMonitor(profile, entry.Vectorizer.FeatureNames);
            var generator = config.Generation is { } g
                ? new GenerationEngine(runner, g, TextTokenizer.Load(entry.Descriptor.Directory, g.Tokenizer), _generation, _generationMetrics,
                    model, version, _loggerFactory.CreateLogger<GenerationEngine>())
                : null;
            if (generator is not null)
            {
                // Owned by the runtime from here on, so a failed warm-up stops its loop with the rest.
                runtime = new ModelVersionRuntime(entry, runner, batcher, batchable, cache, drift, generator)
                {
                    SharedCache = sharedCache,
                    CacheInvalidation = cache is null ? null : new PredictionCacheInvalidation(_catalog, entry, cache, sharedCache),
                };
            }

            var embedder = config.Embedding is { } e
                ? new TextEmbedder(e, TextTokenizer.Load(entry.Descriptor.Directory, e.Tokenizer), Key)
                : null;
            runtime ??= new ModelVersionRuntime(entry, runner, batcher, batchable, cache, drift, null, embedder)
            {
                SharedCache = sharedCache,
                CacheInvalidation = cache is null ? null : new PredictionCacheInvalidation(_catalog, entry, cache, sharedCache),
            };
            if (generator is not null)
            {
                await generator.WarmUpAsync(cancellationToken);
            }
            else
            {
                await WarmUpAsync(runtime, cancellationToken);
            }
            return runtime;
        }
        catch
        {
            if (runtime is not null)
            {
                await runtime.DisposeAsync();
            }
            else
            {
                runner.Dispose();
            }

            throw;
        }
    }
}
