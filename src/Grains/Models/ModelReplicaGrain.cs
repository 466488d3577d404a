using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Concurrency;
using Orleans.Runtime;
using OrleansInference.Contracts.Generation;
using OrleansInference.Contracts.Inference;
using OrleansInference.Contracts.Models;

namespace OrleansInference.Grains.Models;

/// <summary>
/// A model version's replica on the silo its key names (<see cref="ReplicaSilosPlacement"/>): serves through the
/// version's owner on this silo, its <see cref="ModelVersionGrain"/> (a stateless worker, so the call stays here),
/// without a grain message once the version is loaded. It holds nothing of its own and may be collected when idle;
/// the version it serves stays loaded.
/// </summary>
[ReplicaSilosPlacement]
[Reentrant]
public sealed class ModelReplicaGrain : Grain, IModelReplicaGrain
{
    private readonly LocalServingDirectory _directory;
    private readonly ILocalSiloDetails _silo;
    private readonly bool _localShortcuts;
    private string? _versionKey;

    public ModelReplicaGrain(LocalServingDirectory directory, ILocalSiloDetails silo, IOptions<ModelGrainOptions> options)
    {
        _directory = directory;
        _silo = silo;
        _localShortcuts = options.Value.LocalShortcuts;
    }

    private string VersionKey => _versionKey ??= ModelReplicas.TrySplit(this.GetPrimaryKeyString(), out var versionKey, out _)
        ? versionKey
        : throw new ModelOperationException($"'{this.GetPrimaryKeyString()}' is not a replica key; expected '{{model}}/{{version}}@{{silo}}'.");

    private IModelVersionGrain Owner => GrainFactory.GetGrain<IModelVersionGrain>(VersionKey);

    /// <inheritdoc />
    public ValueTask<InferenceResult> InferAsync(InferenceRequest request, CancellationToken cancellationToken) =>
        TryGetLoaded(out var version) ? version.InferAsync(request, cancellationToken) : Owner.InferAsync(request, cancellationToken);

    /// <inheritdoc />
    public ValueTask<PredictResult> PredictAsync(PredictRequest request, CancellationToken cancellationToken) =>
        TryGetLoaded(out var version) ? version.PredictAsync(request, cancellationToken) : Owner.PredictAsync(request, cancellationToken);

    /// <inheritdoc />
    public ValueTask<PredictResult?> GetCachedPredictionAsync(PredictRequest request, CancellationToken cancellationToken) =>
        TryGetLoaded(out var version) ? version.GetCachedPredictionAsync(request, cancellationToken) : Owner.GetCachedPredictionAsync(request, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<GenerationEvent> GenerateAsync(GenerateRequest request, CancellationToken cancellationToken) =>
        TryGetLoaded(out var version) ? version.GenerateAsync(request, cancellationToken) : Owner.GenerateAsync(request, cancellationToken);

    /// <inheritdoc />
    public ValueTask<EmbedResult> EmbedAsync(EmbedRequest request, CancellationToken cancellationToken) =>
        TryGetLoaded(out var version) ? version.EmbedAsync(request, cancellationToken) : Owner.EmbedAsync(request, cancellationToken);

    /// <inheritdoc />
    public Task<ModelVersionStatus> LoadAsync(CancellationToken cancellationToken) => Owner.LoadAsync(cancellationToken);

    /// <inheritdoc />
    public Task<ModelVersionStatus> UnloadAsync(CancellationToken cancellationToken)
    {
        if (_directory.TryGetVersion(VersionKey, out _))
        {
            return Owner.UnloadAsync(cancellationToken);
        }

        var (model, version) = Split();
        return Task.FromResult(new ModelVersionStatus(model, version, ModelVersionState.Unloaded));
    }

    /// <inheritdoc />
    public async Task<ModelReplicaStatistics> GetStatisticsAsync(CancellationToken cancellationToken)
    {
        // Only a version loaded here is asked: asking would otherwise activate an owner on this silo for nothing.
        var (model, version) = Split();
        var statistics = _directory.TryGetVersion(VersionKey, out _)
            ? await Owner.GetStatisticsAsync(cancellationToken)
            : new ModelVersionStatistics(model, version, 0, 0, 0, 0, 0, 0, 0, 0, 0, new Dictionary<int, long>());
        return new ModelReplicaStatistics(_silo.SiloAddress.ToParsableString(), statistics);
    }

    private bool TryGetLoaded(out ILocalModelVersion version)
    {
        if (_localShortcuts && _directory.TryGetVersion(VersionKey, out var found))
        {
            version = found;
            return true;
        }

        version = null!;
        return false;
    }

    private (string Model, string Version) Split()
    {
        var slash = VersionKey.LastIndexOf('/');
        return (VersionKey[..slash], VersionKey[(slash + 1)..]);
    }
}
