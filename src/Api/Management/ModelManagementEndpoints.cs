using Orleans;
using OrleansInference.Api.Http;
using OrleansInference.Api.Security;
using OrleansInference.Contracts.Models;
using OrleansInference.Grid.Catalog;
using OrleansInference.Grid.Repository;

namespace OrleansInference.Api.Management;

/// <summary>The management API under <c>/api/v1/models</c>: list, register, load, unload, stage and deploy.</summary>
internal static class ModelManagementEndpoints
{
    public static void MapModelManagementEndpoints(this IEndpointRouteBuilder app)
    {
        var models = app.MapGroup("/api/v1/models").WithTags("Management");
        models.MapGet("/", ListAsync).WithSummary("Lists models, their versions, metadata, stages and states.");
        models.MapGet("/{name}", GetModelAsync).WithSummary("One model with its versions and deployment.");
        models.MapGet("/{name}/versions/{version}", GetVersionAsync).WithSummary("One model version.");
        models.MapPost("/{name}/versions", ModelRegistrationEndpoint.RegisterAsync)
            .DisableAntiforgery()
            .WithMetadata(RequestBodyLimitMetadata.Upload)
            .WithSummary("Registers a version: multipart upload of 'model' (.onnx) and 'config' (JSON), or {\"path\"} of a folder inside the model repository.")
            .RequireAccess(ApiAccess.Admin);
        models.MapPost("/{name}/versions/{version}/load", LoadAsync).WithSummary("Loads and warms a version.")
            .RequireAccess(ApiAccess.Admin);
        models.MapPost("/{name}/versions/{version}/unload", UnloadAsync).WithSummary("Drains and unloads a version.")
            .RequireAccess(ApiAccess.Admin);
        models.MapPost("/{name}/versions/{version}/stage", SetStageAsync).WithSummary("Changes a version's stage: dev, staging, production or archived.")
            .RequireAccess(ApiAccess.Admin);
        models.MapPost("/{name}/versions/{version}/archive", ArchiveAsync).WithSummary("Archives a version; it no longer serves traffic.")
            .RequireAccess(ApiAccess.Admin);
        models.MapPost("/{name}/deploy", DeployAsync).WithSummary("Sets the serving version and its traffic percentage; the rest stays on the current version.")
            .RequireAccess(ApiAccess.Admin);
        models.MapGet("/{name}/deployment", GetDeploymentAsync).WithSummary("The model's serving versions.");
        models.MapGet("/{name}/versions/{version}/drift", (string name, string version, ModelCatalog catalog, IGrainFactory grains, CancellationToken ct) =>
            DriftAsync(name, version, reset: false, catalog, grains, ct))
            .WithSummary("Drift of the version's live inputs and predictions against its training profile (population stability index).");
        models.MapPost("/{name}/versions/{version}/drift/reset", (string name, string version, ModelCatalog catalog, IGrainFactory grains, CancellationToken ct) =>
            DriftAsync(name, version, reset: true, catalog, grains, ct))
            .WithSummary("Returns the drift report and starts a new observation window.")
            .RequireAccess(ApiAccess.Admin);
    }

    private static async Task<IResult> ListAsync(ModelCatalog catalog, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var views = new List<ModelView>();
        foreach (var name in catalog.ModelNames)
        {
            views.Add(await ModelViewBuilder.BuildModelAsync(name, catalog, grains, cancellationToken));
        }

        return Results.Ok(new { models = views });
    }

    private static async Task<IResult> GetModelAsync(string name, ModelCatalog catalog, IGrainFactory grains, CancellationToken cancellationToken) =>
        catalog.Contains(name)
            ? Results.Ok(await ModelViewBuilder.BuildModelAsync(name, catalog, grains, cancellationToken))
            : Problems.NotFound($"Model '{name}' is not registered.");

    private static async Task<IResult> GetVersionAsync(string name, string version, ModelCatalog catalog, IGrainFactory grains, CancellationToken cancellationToken) =>
        catalog.TryGet(name, version, out var entry)
            ? Results.Ok(await ModelViewBuilder.BuildVersionAsync(entry, grains, cancellationToken))
            : Problems.NotFound(NotFoundMessage(catalog, name, version));

    private static async Task<IResult> LoadAsync(string name, string version, ModelCatalog catalog, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (!catalog.TryGet(name, version, out _))
        {
            return Problems.NotFound(NotFoundMessage(catalog, name, version));
        }

        var statuses = await grains.GetGrain<IModelGrain>(name).LoadAsync(version, cancellationToken);
        var failed = statuses.FirstOrDefault(s => s.State == ModelVersionState.Failed);
        return failed is null
            ? Results.Ok(statuses)
            : Results.Problem(failed.Error, statusCode: StatusCodes.Status500InternalServerError, title: "Load failed");
    }

    private static async Task<IResult> UnloadAsync(string name, string version, ModelCatalog catalog, IGrainFactory grains, CancellationToken cancellationToken) =>
        catalog.TryGet(name, version, out _)
            ? Results.Ok(await grains.GetGrain<IModelGrain>(name).UnloadAsync(version, cancellationToken))
            : Problems.NotFound(NotFoundMessage(catalog, name, version));

    private static async Task<IResult> SetStageAsync(string name, string version, StageRequest body, ModelCatalog catalog, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (!ModelStages.IsValid(body.Stage))
        {
            return Problems.BadRequest($"Stage '{body.Stage}' is not valid; expected one of dev, staging, production, archived.");
        }

        return await ChangeStageAsync(name, version, body.Stage!, catalog, grains, cancellationToken);
    }

    private static Task<IResult> ArchiveAsync(string name, string version, ModelCatalog catalog, IGrainFactory grains, CancellationToken cancellationToken) =>
        ChangeStageAsync(name, version, ModelStages.Archived, catalog, grains, cancellationToken);

    private static async Task<IResult> ChangeStageAsync(string name, string version, string stage, ModelCatalog catalog, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (stage == ModelStages.Archived
            && await grains.GetGrain<IModelGrain>(name).GetDeploymentAsync(cancellationToken) is { } deployment
            && (deployment.Version == version || deployment.BaselineVersion == version))
        {
            return Problems.Conflict($"Version '{name}/{version}' serves traffic under the current deployment; deploy another version before archiving it.");
        }

        if (stage == ModelStages.Production)
        {
            if (!catalog.TryGet(name, version, out _))
            {
                return Problems.NotFound(NotFoundMessage(catalog, name, version));
            }

            // Load first: the stage changes only once the version serves.
            if (await ProductionRollout.PromoteAsync(name, version, catalog, grains, cancellationToken) is { } refused)
            {
                return refused;
            }
        }

        var entry = await catalog.SetStageAsync(name, version, stage, cancellationToken);
        if (entry is null)
        {
            return Problems.NotFound(NotFoundMessage(catalog, name, version));
        }

        await grains.GetGrain<IModelGrain>(name).RefreshAsync(cancellationToken);
        return Results.Ok(await ModelViewBuilder.BuildVersionAsync(entry, grains, cancellationToken));
    }

    private static async Task<IResult> DeployAsync(string name, DeployRequest body, ModelCatalog catalog, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(body.Version))
        {
            return Problems.BadRequest("The body needs 'version', the version to deploy.");
        }

        var traffic = body.TrafficPercentage ?? 100;
        if (traffic is < 1 or > 100)
        {
            return Problems.BadRequest($"'traffic_percentage' is {traffic}; expected 1 to 100.");
        }

        var replicas = body.ReplicaCount(out var replicasError);
        if (replicasError is not null)
        {
            return Problems.BadRequest(replicasError);
        }

        if (!catalog.TryGet(name, body.Version, out var entry))
        {
            return Problems.NotFound(NotFoundMessage(catalog, name, body.Version));
        }

        if (entry.Stage == ModelStages.Archived)
        {
            return Problems.Conflict($"Version '{name}/{body.Version}' is archived; change its stage before deploying it.");
        }

        var deployment = await grains.GetGrain<IModelGrain>(name).DeployAsync(body.Version, traffic, replicas, cancellationToken);
        return Results.Ok(deployment);
    }

    private static async Task<IResult> GetDeploymentAsync(string name, ModelCatalog catalog, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (!catalog.Contains(name))
        {
            return Problems.NotFound($"Model '{name}' is not registered.");
        }

        var deployment = await grains.GetGrain<IModelGrain>(name).GetDeploymentAsync(cancellationToken);
        return deployment is null ? Problems.NotFound($"Model '{name}' has no serving version.") : Results.Ok(deployment);
    }

    private static async Task<IResult> DriftAsync(string name, string version, bool reset, ModelCatalog catalog, IGrainFactory grains, CancellationToken cancellationToken) =>
        catalog.TryGet(name, version, out _)
            ? Results.Ok(await grains.GetGrain<IModelVersionGrain>(ModelKeys.VersionKey(name, version)).GetDriftAsync(reset, cancellationToken))
            : Problems.NotFound(NotFoundMessage(catalog, name, version));

    internal static string NotFoundMessage(ModelCatalog catalog, string name, string version)
    {
        var versions = catalog.VersionsOf(name);
        return versions.Count == 0
            ? $"Model '{name}' is not registered."
            : $"Model '{name}' has no version '{version}'; registered versions: {string.Join(", ", versions.Select(v => v.Version))}.";
    }
}
