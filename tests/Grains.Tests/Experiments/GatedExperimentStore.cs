using OrleansInference.Contracts.Experiments;
using OrleansInference.Grains.Experiments;

namespace OrleansInference.Grains.Tests.Experiments;

/// <summary>The SQLite store with a gate on event appends: while held, an append waits until <see cref="Release"/>.</summary>
internal sealed class GatedExperimentStore(SqliteExperimentStore inner) : IExperimentStore
{
    private readonly TaskCompletionSource _appendWaiting = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _holding;

    /// <summary>Completes when an append reaches the held gate.</summary>
    public Task AppendWaiting => _appendWaiting.Task;

    public void Hold() => _holding = true;

    public void Release() => _released.TrySetResult();

    public Task<IReadOnlyList<ExperimentInfo>> ListAsync(CancellationToken cancellationToken) => inner.ListAsync(cancellationToken);

    public Task<ExperimentInfo?> GetAsync(string id, CancellationToken cancellationToken) => inner.GetAsync(id, cancellationToken);

    public Task SaveAsync(ExperimentInfo experiment, CancellationToken cancellationToken) => inner.SaveAsync(experiment, cancellationToken);

    public async Task AppendEventAsync(string id, ExperimentEvent experimentEvent, CancellationToken cancellationToken)
    {
        if (_holding)
        {
            _appendWaiting.TrySetResult();
            await _released.Task.WaitAsync(cancellationToken);
        }

        await inner.AppendEventAsync(id, experimentEvent, cancellationToken);
    }

    public Task<IReadOnlyList<ExperimentEvent>> GetEventsAsync(string id, CancellationToken cancellationToken) => inner.GetEventsAsync(id, cancellationToken);
}
