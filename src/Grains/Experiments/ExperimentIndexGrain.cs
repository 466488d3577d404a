using Orleans;
using Orleans.Concurrency;
using OrleansInference.Contracts.Experiments;

namespace OrleansInference.Grains.Experiments;

/// <summary>Reads the experiment store on a silo for API nodes and clients.</summary>
[StatelessWorker]
[Reentrant]
public sealed class ExperimentIndexGrain(IExperimentStore store) : Grain, IExperimentIndexGrain
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<ExperimentInfo>> ListAsync(string? model, CancellationToken cancellationToken)
    {
        var all = await store.ListAsync(cancellationToken);
        return model is null ? all : [.. all.Where(e => e.Model == model)];
    }
}
