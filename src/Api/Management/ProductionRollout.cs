using Orleans;
using OrleansInference.Api.Http;
using OrleansInference.Contracts.Models;
using OrleansInference.Grid.Catalog;
using OrleansInference.Grid.Repository;

namespace OrleansInference.Api.Management;

/// <summary>
/// Moves a version to production through the deploy path, whichever call asked for it (registration in stage
/// production, a stage change): the version is loaded and warmed before it takes all traffic, and a version that
/// fails to load never takes any: the version serving before keeps serving.
/// </summary>
internal static class ProductionRollout
{
    /// <summary>
    /// Deploys <paramref name="version"/> to all traffic after it loads. Returns null when it serves; otherwise a
    /// 409 problem naming the load error and the version that keeps serving. A version the catalog already marks as
    /// production (a registration) is moved back to staging, so no later refresh or restart routes to it.
    /// </summary>
    public static async Task<IResult?> PromoteAsync(string name, string version, ModelCatalog catalog, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var model = grains.GetGrain<IModelGrain>(name);
        var before = await model.GetDeploymentAsync(cancellationToken);
        try
        {
            await model.DeployAsync(version, 100, before?.Replicas, cancellationToken);
            return null;
        }
        catch (ModelOperationException ex)
        {
            var demoted = false;
            if (catalog.TryGet(name, version, out var entry) && entry.Stage == ModelStages.Production)
            {
                await catalog.SetStageAsync(name, version, ModelStages.Staging, cancellationToken);
                await model.RefreshAsync(cancellationToken);
                demoted = true;
            }

            var serving = before is null || before.Version == version
                ? "no other version serves the model"
                : $"version '{name}/{before.Version}' keeps serving";
            var stage = demoted ? $" Version '{name}/{version}' was moved to stage '{ModelStages.Staging}'." : string.Empty;
            return Problems.Conflict($"Version '{name}/{version}' cannot move to production: {ex.Message} Live traffic is unchanged: {serving}.{stage}");
        }
    }
}
