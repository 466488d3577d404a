using Orleans;
using OrleansInference.Contracts.BatchJobs;
using OrleansInference.Contracts.Experiments;
using OrleansInference.Contracts.Models;
using OrleansInference.Grid.Catalog;
using OrleansInference.Grid.Repository;

namespace OrleansInference.Api.Operator;

/// <summary>
/// Assembles <see cref="OperatorOverview"/> from the grain calls the rest of the API already makes: the catalog
/// replica for models and versions, each version grain's status, statistics (as <c>/v2/models/{m}/stats</c>) and drift,
/// the model grain's deployment, the experiment index and each experiment's metrics and events, and the batch job
/// index. It keeps no state and measures nothing itself.
/// </summary>
internal sealed class OperatorOverviewBuilder(ModelCatalog catalog, IGrainFactory grains, TimeProvider time)
{
    /// <summary>Batch jobs listed, newest first.</summary>
    public const int BatchJobCount = 20;

    /// <summary>Events listed per experiment, the latest ones.</summary>
    public const int EventCount = 10;

    /// <summary>Ended experiments listed besides the active ones, the most recently changed.</summary>
    public const int EndedExperimentCount = 10;

    /// <summary>Links to the other operator views, relative to the page (<c>/ui/</c>), so they hold behind a path prefix.</summary>
    private static readonly Dictionary<string, string> Links = new(StringComparer.Ordinal)
    {
        ["dashboard"] = "../dashboard/",
        ["metrics"] = "../metrics",
        ["openapi"] = "../openapi/v1.json",
    };

    public async Task<OperatorOverview> BuildAsync(CancellationToken cancellationToken)
    {
        var models = Task.WhenAll(catalog.ModelNames.Select(name => ModelAsync(name, cancellationToken)));
        var experiments = ExperimentsAsync(cancellationToken);
        var jobs = grains.GetGrain<IBatchJobIndexGrain>(0).ListRecentAsync(BatchJobCount, cancellationToken);
        await Task.WhenAll(models, experiments, jobs);
        var overview = new OperatorOverview(time.GetUtcNow(), Links, await models, await experiments, await jobs, []);
        return overview with { Alerts = OperatorAlerts.From(overview) };
    }

    private async Task<ModelOverview> ModelAsync(string name, CancellationToken cancellationToken)
    {
        var versions = Task.WhenAll(catalog.VersionsOf(name).Select(entry => VersionAsync(entry, cancellationToken)));
        var deployment = grains.GetGrain<IModelGrain>(name).GetDeploymentAsync(cancellationToken);
        await Task.WhenAll(versions, deployment);
        var experiment = catalog.TryGetActiveExperiment(name, out var id) ? id : null;
        return new ModelOverview(name, await deployment, experiment, await versions);
    }

    private async Task<VersionOverview> VersionAsync(CatalogEntry entry, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<IModelVersionGrain>(ModelKeys.VersionKey(entry.Name, entry.Version));
        var status = grain.GetStatusAsync(cancellationToken);
        var statistics = grain.GetStatisticsAsync(cancellationToken);
        await Task.WhenAll(status, statistics);
        var s = await status;
        var drift = s.State == ModelVersionState.Ready ? DriftSummary.From(await grain.GetDriftAsync(reset: false, cancellationToken)) : null;
        return new VersionOverview(
            entry.Version,
            entry.Stage,
            s.State.ToString().ToLowerInvariant(),
            s.ExecutionProvider,
            s.Instances,
            s.Error,
            s.ReadySince,
            await statistics,
            drift);
    }

    private async Task<IReadOnlyList<ExperimentOverview>> ExperimentsAsync(CancellationToken cancellationToken)
    {
        // Every active experiment and the latest ended ones: old experiments' grains stay idle (and collectable).
        var all = await grains.GetGrain<IExperimentIndexGrain>(0).ListAsync(null, cancellationToken);
        var shown = all.Where(e => e.IsActive).Concat(all.Where(e => !e.IsActive).OrderByDescending(e => e.UpdatedAt).Take(EndedExperimentCount));
        var overviews = await Task.WhenAll(shown.Select(async info =>
        {
            var grain = grains.GetGrain<IExperimentGrain>(info.Id);
            var metrics = grain.GetMetricsAsync(cancellationToken);
            var events = grain.GetEventsAsync(cancellationToken);
            await Task.WhenAll(metrics, events);
            var history = await events;
            return new ExperimentOverview(info, await metrics, [.. history.Skip(Math.Max(0, history.Count - EventCount))]);
        }));

        // Active experiments first, then the most recently changed.
        return [.. overviews.OrderByDescending(o => o.Experiment.IsActive).ThenByDescending(o => o.Experiment.UpdatedAt)];
    }
}
