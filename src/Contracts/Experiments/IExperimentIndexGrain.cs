using Orleans;

namespace OrleansInference.Contracts.Experiments;

/// <summary>Lists experiments from their durable store (key 0; a stateless worker on every silo).</summary>
[Alias("oi.ExperimentIndexGrain")]
public interface IExperimentIndexGrain : IGrainWithIntegerKey
{
    /// <summary>Every experiment, or those of <paramref name="model"/>, oldest first.</summary>
    [Alias("ListAsync")]
    Task<IReadOnlyList<ExperimentInfo>> ListAsync(string? model, CancellationToken cancellationToken);
}
