using System.Reflection;
using Orleans;
using OrleansInference.Api.Health;
using OrleansInference.Api.Security;
using OrleansInference.Contracts.Models;
using OrleansInference.Grid.Catalog;

namespace OrleansInference.Api.KServe;

/// <summary>
/// KServe Open Inference Protocol v2 over REST: health, server and model metadata, readiness and inference; plus
/// Triton's model-repository and statistics extensions. Errors use v2's body, <c>{"error": "..."}</c>. The static
/// helpers (<see cref="ServerReadyAsync"/>, <see cref="ModelMetadata"/>, <see cref="ModelReadyAsync"/>) are what
/// the gRPC service answers with too, so both protocols give the same answers.
/// </summary>
internal static class KServeEndpoints
{
    public const string ServerName = "orleans-inference";

    public const string Platform = "onnxruntime_onnx";

    /// <summary>The v2 extensions both protocols implement, in the order server metadata lists them.</summary>
    public static IReadOnlyList<string> Extensions { get; } = ["binary_tensor_data", "classification", "model_repository", "statistics"];

    public static void MapKServeEndpoints(this IEndpointRouteBuilder app)
    {
        var v2 = app.MapGroup("/v2").WithTags("KServe v2");
        v2.MapGet("/health/live", () => Results.Json(new V2ServerLive(true), KServeJsonContext.Default.V2ServerLive))
            .WithSummary("Server liveness (v2).").RequireAccess(ApiAccess.Anonymous);
        v2.MapGet("/health/ready", async (IServiceProvider services, CancellationToken ct) =>
            {
                var ready = await ServerReadyAsync(services, ct);
                return Results.Json(new V2ServerReady(ready), KServeJsonContext.Default.V2ServerReady, statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
            })
            .WithSummary("Server readiness (v2): 200 when the node can take traffic (start-up done, grid reachable), 400 otherwise.")
            .RequireAccess(ApiAccess.Anonymous);
        v2.MapGet("/", () => Results.Json(new V2ServerMetadata(ServerName, ServerVersion(), [.. Extensions]), KServeJsonContext.Default.V2ServerMetadata))
            .WithSummary("Server metadata (v2).");
        v2.MapGet("/models/{model}", (string model, IServiceProvider services) => MetadataResult(ModelMetadata(services, model, null)))
            .WithSummary("Model metadata (v2).");
        v2.MapGet("/models/{model}/versions/{version}", (string model, string version, IServiceProvider services) => MetadataResult(ModelMetadata(services, model, version)))
            .WithSummary("Model version metadata (v2).");
        v2.MapGet("/models/{model}/config", (string model, IServiceProvider services) => ConfigResult(TritonModelConfigReader.Read(services, model, null)))
            .WithSummary("Model configuration (Triton): name, platform, max_batch_size, inputs and outputs of the serving version.");
        v2.MapGet("/models/{model}/versions/{version}/config", (string model, string version, IServiceProvider services) =>
            ConfigResult(TritonModelConfigReader.Read(services, model, version))).WithSummary("Model version configuration (Triton).");
        v2.MapGet("/models/{model}/ready", (string model, IServiceProvider services, CancellationToken ct) => ModelReadyResultAsync(services, model, null, ct))
            .WithSummary("Model readiness (v2): 200 when ready, 400 otherwise.");
        v2.MapGet("/models/{model}/versions/{version}/ready", (string model, string version, IServiceProvider services, CancellationToken ct) =>
            ModelReadyResultAsync(services, model, version, ct)).WithSummary("Model version readiness (v2).");
        v2.MapPost("/models/{model}/infer", (HttpContext context, string model) => KServeInferEndpoint.HandleAsync(context, model, null))
            .WithMetadata(Http.WritesErrorBodiesMetadata.Instance)
            .WithSummary("Inference (v2) on the model's serving version; JSON or the binary tensor extension.");
        v2.MapPost("/models/{model}/versions/{version}/infer", (HttpContext context, string model, string version) => KServeInferEndpoint.HandleAsync(context, model, version))
            .WithMetadata(Http.WritesErrorBodiesMetadata.Instance)
            .WithSummary("Inference (v2) on one version.");
        TritonEndpoints.Map(v2);
        UnofferedExtensions.Map(v2);
    }

    internal static IResult Error(int status, string message) =>
        Results.Json(new V2ErrorResponse(message), KServeJsonContext.Default.V2ErrorResponse, statusCode: status);

    internal static IResult Error(V2Failure failure) => Error(failure.StatusCode, failure.Message);

    internal static string NotFoundMessage(ModelCatalog catalog, string model, string? version)
    {
        if (!catalog.Contains(model))
        {
            return $"Model '{model}' is not registered. Registered models: {string.Join(", ", catalog.ModelNames)}.";
        }

        return $"Model '{model}' has no version '{version}'. Versions: {string.Join(", ", catalog.VersionsOf(model).Select(e => e.Version))}.";
    }

    internal static string ServerVersion() =>
        typeof(KServeEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "1.0.0";

    /// <summary>True when this node can take traffic (see <see cref="GridReadiness"/>).</summary>
    internal static async Task<bool> ServerReadyAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        (await services.GetRequiredService<GridReadiness>().CheckAsync(cancellationToken)).Ready;

    /// <summary>The model's metadata: every version when <paramref name="version"/> is null, the serving (production) version's tensors.</summary>
    internal static V2Outcome<V2ModelMetadata> ModelMetadata(IServiceProvider services, string model, string? version)
    {
        var catalog = services.GetRequiredService<ModelCatalog>();
        var versions = catalog.VersionsOf(model);
        if (versions.Count == 0)
        {
            return V2Failure.NotFound(NotFoundMessage(catalog, model, version));
        }

        CatalogEntry? entry;
        if (version is null)
        {
            entry = versions.LastOrDefault(e => e.Stage == Grid.Repository.ModelStages.Production) ?? versions[^1];
        }
        else if (!catalog.TryGet(model, version, out entry))
        {
            return V2Failure.NotFound(NotFoundMessage(catalog, model, version));
        }

        var config = entry.Config;
        return new V2ModelMetadata(
            model,
            version is null ? versions.Select(e => e.Version).ToArray() : [version],
            Platform,
            config.Inputs.Select(i => new V2TensorMetadata(i.Name, i.Datatype, i.Shape)).ToArray(),
            config.Outputs.Select(o => new V2TensorMetadata(o.Name, o.Datatype, o.Shape)).ToArray());
    }

    /// <summary>Whether the version (every serving version when <paramref name="version"/> is null) is ready.</summary>
    internal static async Task<V2Outcome<bool>> ModelReadyAsync(IServiceProvider services, string model, string? version, CancellationToken cancellationToken)
    {
        if (KServeInferEndpoint.FindModel(services, model, version) is { } notFound)
        {
            return notFound;
        }

        var grains = services.GetRequiredService<IGrainFactory>();
        if (version is null)
        {
            var serving = await grains.GetGrain<IModelGrain>(model).GetServingStatusAsync(cancellationToken);
            return serving.Count > 0 && serving.All(s => s.State == ModelVersionState.Ready);
        }

        var status = await grains.GetGrain<IModelVersionGrain>(Grid.Repository.ModelKeys.VersionKey(model, version)).GetStatusAsync(cancellationToken);
        return status.State == ModelVersionState.Ready;
    }

    private static IResult MetadataResult(V2Outcome<V2ModelMetadata> metadata) =>
        metadata.IsSuccess ? Results.Json(metadata.Value!, KServeJsonContext.Default.V2ModelMetadata) : Error(metadata.Failure);

    private static IResult ConfigResult(V2Outcome<TritonModelConfig> config) =>
        config.IsSuccess ? Results.Json(config.Value!, KServeJsonContext.Default.TritonModelConfig) : Error(config.Failure);

    private static async Task<IResult> ModelReadyResultAsync(IServiceProvider services, string model, string? version, CancellationToken cancellationToken)
    {
        var ready = await ModelReadyAsync(services, model, version, cancellationToken);
        return ready.IsSuccess
            ? Results.Json(new V2ModelReady(model, ready.Value), KServeJsonContext.Default.V2ModelReady, statusCode: ready.Value ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest)
            : Error(ready.Failure);
    }
}
