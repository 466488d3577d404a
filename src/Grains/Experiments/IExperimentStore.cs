using OrleansInference.Contracts.Experiments;

namespace OrleansInference.Grains.Experiments;

/// <summary>Durable experiment definitions (with weights, state and ramp) and their event history.</summary>
public interface IExperimentStore
{
    /// <summary>Every experiment, oldest first.</summary>
    Task<IReadOnlyList<ExperimentInfo>> ListAsync(CancellationToken cancellationToken);

    /// <summary>One experiment, or null.</summary>
    Task<ExperimentInfo?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces an experiment.</summary>
    Task SaveAsync(ExperimentInfo experiment, CancellationToken cancellationToken);

    /// <summary>Appends one event to an experiment's history.</summary>
    Task AppendEventAsync(string id, ExperimentEvent experimentEvent, CancellationToken cancellationToken);

    /// <summary>An experiment's history, oldest first.</summary>
    Task<IReadOnlyList<ExperimentEvent>> GetEventsAsync(string id, CancellationToken cancellationToken);
}
