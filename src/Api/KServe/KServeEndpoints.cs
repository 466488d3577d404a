using System.Reflection;
using Orleans;
using OrleansInference.Api.Health;
using OrleansInference.Api.Http;
using OrleansInference.Api.Security;
using OrleansInference.Contracts.Models;
using OrleansInference.Grid.Catalog;

namespace OrleansInference.Api.KServe;

/// <summary>
/// KServe Open Inference Protocol v2 over REST: health, server and model metadata, readiness and inference; plus
/// Triton's model-repository and statistics extensions. Errors use v2's body, <c>{"error": "..."}</c>.
/// </summary>
internal static class KServeEndpoints
{
    public const string ServerName = "orleans-inference";

    public const string Platform = "onnxruntime_onnx";

    private static readonly string[] Extensions = ["binary_tensor_data", "model_repository", "statistics", "classification"];

    public static void MapKServeEndpoints(this IEndpointRouteBuilder app)
    {
        var v2 = app.MapGroup("/v2").WithTags("KServe v2");
        v2.MapGet("/health/live", () => Results.Json(new V2ServerLive(true), KServeJsonContext.Default.V2ServerLive))
            .WithSummary("Server liveness (v2).").RequireAccess(ApiAccess.Anonymous);
        v2.MapGet("/health/ready", ServerReadyAsync).WithSummary("Server readiness (v2): 200 when the node can take traffic (start-up done, grid reachable), 400 otherwise.")
            .RequireAccess(ApiAccess.Anonymous);
        v2.MapGet("/", () => Results.Json(new V2ServerMetadata(ServerName, ServerVersion(), Extensions), KServeJsonContext.Default.V2ServerMetadata))
            .WithSummary("Server metadata (v2).");
        v2.MapGet("/models/{model}", (string model, ModelCatalog catalog) => ModelMetadata(model, null, catalog)).WithSummary("Model metadata (v2).");
        v2.MapGet("/models/{model}/versions/{version}", (string model, string version, ModelCatalog catalog) => ModelMetadata(model, version, catalog))
            .WithSummary("Model version metadata (v2).");
        v2.MapGet("/models/{model}/ready", (string model, ModelCatalog catalog, IGrainFactory grains, CancellationToken ct) => ModelReadyAsync(model, null, catalog, grains, ct))
            .WithSummary("Model readiness (v2): 200 when ready, 400 otherwise.");
        v2.MapGet("/models/{model}/versions/{version}/ready", (string model, string version, ModelCatalog catalog, IGrainFactory grains, CancellationToken ct) =>
            ModelReadyAsync(model, version, catalog, grains, ct)).WithSummary("Model version readiness (v2).");
        v2.MapPost("/models/{model}/infer", (HttpContext context, string model) => KServeInferEndpoint.HandleAsync(context, model, null))
            .WithMetadata(WritesErrorBodiesMetadata.Instance)
            .WithSummary("Inference (v2) on the model's serving version; JSON or the binary tensor extension.");
        v2.MapPost("/models/{model}/versions/{version}/infer", (HttpContext context, string model, string version) => KServeInferEndpoint.HandleAsync(context, model, version))
            .WithMetadata(WritesErrorBodiesMetadata.Instance)
            .WithSummary("Inference (v2) on one version.");
        TritonEndpoints.Map(v2);
    }

    internal static IResult Error(int status, string message) =>
        Results.Json(new V2ErrorResponse(message), KServeJsonContext.Default.V2ErrorResponse, statusCode: status);

    internal static string NotFoundMessage(ModelCatalog catalog, string model, string? version)
    {
        if (!catalog.Contains(model))
        {
            return $"Model '{model}' is not registered. Registered models: {string.Join(", ", catalog.ModelNames)}.";
        }

        return $"Model '{model}' has no version '{version}'. Versions: {string.Join(", ", catalog.VersionsOf(model).Select(e => e.Version))}.";
    }

    private static string ServerVersion() =>
        typeof(KServeEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "1.0.0";

    private static async Task<IResult> ServerReadyAsync(GridReadiness readiness, CancellationToken cancellationToken)
    {
        var ready = (await readiness.CheckAsync(cancellationToken)).Ready;
        return Results.Json(new V2ServerReady(ready), KServeJsonContext.Default.V2ServerReady, statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    private static IResult ModelMetadata(string model, string? version, ModelCatalog catalog)
    {
        var versions = catalog.VersionsOf(model);
        if (versions.Count == 0)
        {
            return Error(StatusCodes.Status404NotFound, NotFoundMessage(catalog, model, version));
        }

        CatalogEntry? entry;
        if (version is null)
        {
            entry = versions.LastOrDefault(e => e.Stage == Grid.Repository.ModelStages.Production) ?? versions[^1];
        }
        else if (!catalog.TryGet(model, version, out entry))
        {
            return Error(StatusCodes.Status404NotFound, NotFoundMessage(catalog, model, version));
        }

        var config = entry.Config;
        var metadata = new V2ModelMetadata(
            model,
            version is null ? versions.Select(e => e.Version).ToArray() : [version],
            Platform,
            config.Inputs.Select(i => new V2TensorMetadata(i.Name, i.Datatype, i.Shape)).ToArray(),
            config.Outputs.Select(o => new V2TensorMetadata(o.Name, o.Datatype, o.Shape)).ToArray());
        return Results.Json(metadata, KServeJsonContext.Default.V2ModelMetadata);
    }

    private static async Task<IResult> ModelReadyAsync(string model, string? version, ModelCatalog catalog, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (!catalog.Contains(model) || (version is not null && !catalog.TryGet(model, version, out _)))
        {
            return Error(StatusCodes.Status404NotFound, NotFoundMessage(catalog, model, version));
        }

        bool ready;
        if (version is null)
        {
            var serving = await grains.GetGrain<IModelGrain>(model).GetServingStatusAsync(cancellationToken);
            ready = serving.Count > 0 && serving.All(s => s.State == ModelVersionState.Ready);
        }
        else
        {
            var status = await grains.GetGrain<IModelVersionGrain>(Grid.Repository.ModelKeys.VersionKey(model, version)).GetStatusAsync(cancellationToken);
            ready = status.State == ModelVersionState.Ready;
        }

        return Results.Json(new V2ModelReady(model, ready), KServeJsonContext.Default.V2ModelReady, statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }
}
