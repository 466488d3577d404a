using Orleans;
using OrleansInference.Contracts.Experiments;

namespace OrleansInference.Grid.Experiments;

/// <summary>
/// The predict path's entry to experiments: finds the model's active experiment (one dictionary lookup when there is
/// none), asks its grain for the user's variant, and returns an <see cref="ExperimentRequest"/> that records the
/// outcome, logs predictions and shadows the request. An explicitly requested version bypasses experiments.
/// </summary>
public sealed class ExperimentRouter
{
    private readonly ExperimentDirectory _directory;
    private readonly IGrainFactory _grains;
    private readonly PredictionLog _log;
    private readonly ShadowDispatcher _shadow;

    public ExperimentRouter(ExperimentDirectory directory, IGrainFactory grains, PredictionLog log, ShadowDispatcher shadow)
    {
        _directory = directory;
        _grains = grains;
        _log = log;
        _shadow = shadow;
    }

    /// <summary>The experiment routing of one request, or null when no experiment applies.</summary>
    public async ValueTask<ExperimentRequest?> BeginAsync(string model, string? requestedVersion, string? userId, CancellationToken cancellationToken)
    {
        if (requestedVersion is not null)
        {
            return null;
        }

        var loaded = _directory.EnsureLoadedAsync();
        if (!loaded.IsCompletedSuccessfully)
        {
            await loaded;
        }

        if (!_directory.TryGetActive(model, out var experimentId))
        {
            return null;
        }

        var grain = _grains.GetGrain<IExperimentGrain>(experimentId);
        var assignment = await grain.AssignAsync(userId, cancellationToken);
        return assignment is null ? null : new ExperimentRequest(model, assignment, grain, _log, _shadow);
    }
}
