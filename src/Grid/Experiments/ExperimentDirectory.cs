using OrleansInference.Grid.Catalog;

namespace OrleansInference.Grid.Experiments;

/// <summary>
/// Which experiment is active on each model (at most one): read from this node's catalog replica without locks, so a
/// model without an experiment costs one lookup; claimed and released through the catalog grain, so every node agrees.
/// </summary>
public sealed class ExperimentDirectory
{
    private readonly ModelCatalog _catalog;

    public ExperimentDirectory(ModelCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        _catalog = catalog;
    }

    /// <summary>Completes once the catalog replica holds its first snapshot.</summary>
    public Task EnsureLoadedAsync() => _catalog.EnsureSyncedAsync(CancellationToken.None);

    /// <summary>The active experiment on <paramref name="model"/>; call after <see cref="EnsureLoadedAsync"/>.</summary>
    public bool TryGetActive(string model, out string experimentId) => _catalog.TryGetActiveExperiment(model, out experimentId);

    /// <summary>Makes <paramref name="experimentId"/> the model's active experiment unless another one is; returns the holder.</summary>
    public Task<string> ClaimAsync(string model, string experimentId, CancellationToken cancellationToken) =>
        _catalog.ClaimExperimentAsync(model, experimentId, cancellationToken);

    /// <summary>Removes <paramref name="experimentId"/> as the model's active experiment (if it is).</summary>
    public Task ReleaseAsync(string model, string experimentId, CancellationToken cancellationToken) =>
        _catalog.ReleaseExperimentAsync(model, experimentId, cancellationToken);
}
