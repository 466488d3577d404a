using System.Collections.Concurrent;

namespace OrleansInference.Grains.Experiments;

/// <summary>
/// Which experiment is active on each model (at most one), loaded from the store on first use and kept current by
/// the experiment grains. The predict path reads it without locks; a model without an experiment costs one lookup.
/// </summary>
public sealed class ExperimentDirectory
{
    private readonly ConcurrentDictionary<string, string> _active = new(StringComparer.Ordinal);
    private readonly IExperimentStore _store;
    private readonly Lock _gate = new();
    private Task? _loaded;

    public ExperimentDirectory(IExperimentStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <summary>Completes once the active experiments are loaded from the store; a failed load is retried by the next caller.</summary>
    public Task EnsureLoadedAsync()
    {
        var loaded = Volatile.Read(ref _loaded);
        if (loaded is { IsFaulted: false, IsCanceled: false })
        {
            return loaded;
        }

        lock (_gate)
        {
            if (_loaded is null || _loaded.IsFaulted || _loaded.IsCanceled)
            {
                Volatile.Write(ref _loaded, LoadAsync(_store));
            }

            return _loaded;
        }
    }

    /// <summary>The active experiment on <paramref name="model"/>; call after <see cref="EnsureLoadedAsync"/>.</summary>
    public bool TryGetActive(string model, out string experimentId) => _active.TryGetValue(model, out experimentId!);

    /// <summary>Makes <paramref name="experimentId"/> the model's active experiment unless another one is; returns the holder.</summary>
    public string Claim(string model, string experimentId) => _active.GetOrAdd(model, experimentId);

    /// <summary>Removes <paramref name="experimentId"/> as the model's active experiment (if it is).</summary>
    public void Release(string model, string experimentId) => _active.TryRemove(new KeyValuePair<string, string>(model, experimentId));

    private async Task LoadAsync(IExperimentStore store)
    {
        await Task.Yield();
        foreach (var experiment in await store.ListAsync(CancellationToken.None))
        {
            if (experiment.IsActive)
            {
                _active[experiment.Model] = experiment.Id;
            }
        }
    }
}
