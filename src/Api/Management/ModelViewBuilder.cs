using System.Text.Json.Nodes;
using Orleans;
using OrleansInference.Contracts.Models;
using OrleansInference.Grid.Catalog;

namespace OrleansInference.Api.Management;

/// <summary>Joins catalog entries with live grain state into management views.</summary>
internal static class ModelViewBuilder
{
    public static async Task<ModelView> BuildModelAsync(string name, ModelCatalog catalog, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var versions = new List<ModelVersionView>();
        foreach (var entry in catalog.VersionsOf(name))
        {
            versions.Add(await BuildVersionAsync(entry, grains, cancellationToken));
        }

        var deployment = await grains.GetGrain<IModelGrain>(name).GetDeploymentAsync(cancellationToken);
        var view = deployment is null ? null : new DeploymentView(deployment.Version, deployment.TrafficPercentage, deployment.BaselineVersion, deployment.UpdatedAt, deployment.Replicas);
        return new ModelView(name, view, versions);
    }

    public static async Task<ModelVersionView> BuildVersionAsync(CatalogEntry entry, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var status = await grains.GetGrain<IModelVersionGrain>(entry.Descriptor.Key).GetStatusAsync(cancellationToken);
        return new ModelVersionView(
            entry.Name,
            entry.Version,
            entry.Stage,
            status.State.ToString().ToLowerInvariant(),
            status.ExecutionProvider,
            status.Error,
            entry.Record.Sha256,
            entry.Record.Description,
            entry.Record.RegisteredAt,
            entry.Record.StageChangedAt,
            entry.Config.FeatureNames,
            entry.Config.Inputs,
            entry.Config.Outputs,
            entry.Config.Metadata?.DeepClone() as JsonObject);
    }
}
