using Orleans;
using OrleansInference.Api.Security;
using OrleansInference.Contracts.Models;
using OrleansInference.Grid.Catalog;
using OrleansInference.Grid.Repository;

namespace OrleansInference.Api.KServe;

/// <summary>
/// Triton's model-repository extension (index, load, unload) and statistics extension, so Triton tooling works
/// unchanged. The static helpers (<see cref="IndexAsync"/>, <see cref="LoadAsync"/>, <see cref="UnloadAsync"/>,
/// <see cref="StatisticsAsync"/>) answer the gRPC service's rpcs of the same extensions too.
/// </summary>
internal static class TritonEndpoints
{
    public static void Map(RouteGroupBuilder v2)
    {
        v2.MapPost("/repository/index", IndexEndpointAsync).WithSummary("Lists every model version in the repository with its state (Triton).");
        v2.MapPost("/repository/models/{model}/load", async (string model, IServiceProvider services, CancellationToken ct) => EmptyResult(await LoadAsync(services, model, ct)))
            .WithSummary("Loads the model's serving versions (Triton).").RequireAccess(ApiAccess.Admin);
        v2.MapPost("/repository/models/{model}/unload", async (string model, IServiceProvider services, CancellationToken ct) => EmptyResult(await UnloadAsync(services, model, ct)))
            .WithSummary("Drains and unloads the model's loaded versions (Triton).").RequireAccess(ApiAccess.Admin);
        v2.MapGet("/models/stats", (IServiceProvider services, CancellationToken ct) => StatisticsResultAsync(services, null, null, ct))
            .WithSummary("Inference statistics of every model version (Triton).");
        v2.MapGet("/models/{model}/stats", (string model, IServiceProvider services, CancellationToken ct) => StatisticsResultAsync(services, model, null, ct))
            .WithSummary("Inference statistics of a model's versions (Triton).");
        v2.MapGet("/models/{model}/versions/{version}/stats", (string model, string version, IServiceProvider services, CancellationToken ct) =>
            StatisticsResultAsync(services, model, version, ct)).WithSummary("Inference statistics of one version (Triton).");
    }

    /// <summary>Every registered model version with its state; only the ready ones when <paramref name="readyOnly"/>.</summary>
    internal static async Task<IReadOnlyList<TritonRepositoryIndexEntry>> IndexAsync(IServiceProvider services, bool readyOnly, CancellationToken cancellationToken)
    {
        var catalog = services.GetRequiredService<ModelCatalog>();
        var grains = services.GetRequiredService<IGrainFactory>();
        var entries = new List<TritonRepositoryIndexEntry>();
        foreach (var entry in catalog.Entries)
        {
            var status = await grains.GetGrain<IModelVersionGrain>(ModelKeys.VersionKey(entry.Name, entry.Version)).GetStatusAsync(cancellationToken);
            var state = ToTritonState(status.State);
            if (readyOnly && state != "READY")
            {
                continue;
            }

            entries.Add(new TritonRepositoryIndexEntry(entry.Name, entry.Version, state, status.Error ?? string.Empty));
        }

        return entries;
    }

    /// <summary>Loads the model's serving versions; fails when one does not become ready.</summary>
    internal static async Task<V2Failure?> LoadAsync(IServiceProvider services, string model, CancellationToken cancellationToken)
    {
        if (KServeInferEndpoint.FindModel(services, model, null) is { } notFound)
        {
            return notFound;
        }

        var statuses = await services.GetRequiredService<IGrainFactory>().GetGrain<IModelGrain>(model).LoadAsync(null, cancellationToken);
        if (statuses.Count == 0)
        {
            return V2Failure.BadRequest($"Model '{model}' has no version to load: deploy one or set a version's stage to production.");
        }

        var failed = statuses.FirstOrDefault(s => s.State != ModelVersionState.Ready);
        return failed is null ? null : V2Failure.BadRequest($"Failed to load '{failed.Model}/{failed.Version}': {failed.Error ?? failed.State.ToString()}");
    }

    /// <summary>Drains and unloads the model's loaded versions.</summary>
    internal static async Task<V2Failure?> UnloadAsync(IServiceProvider services, string model, CancellationToken cancellationToken)
    {
        if (KServeInferEndpoint.FindModel(services, model, null) is { } notFound)
        {
            return notFound;
        }

        await services.GetRequiredService<IGrainFactory>().GetGrain<IModelGrain>(model).UnloadAsync(null, cancellationToken);
        return null;
    }

    /// <summary>
    /// Statistics of every version (<paramref name="model"/> null), a model's versions, or one version. As Triton
    /// counts: <c>inference_count</c> is rows inferred (a batch of 8 rows counts 8), <c>execution_count</c> batches.
    /// </summary>
    internal static async Task<V2Outcome<TritonModelStatisticsResponse>> StatisticsAsync(
        IServiceProvider services, string? model, string? version, CancellationToken cancellationToken)
    {
        var catalog = services.GetRequiredService<ModelCatalog>();
        IEnumerable<CatalogEntry> entries;
        if (model is null)
        {
            entries = catalog.Entries;
        }
        else if (!catalog.Contains(model))
        {
            return V2Failure.NotFound(KServeEndpoints.NotFoundMessage(catalog, model, null));
        }
        else if (version is null)
        {
            entries = catalog.VersionsOf(model);
        }
        else if (catalog.TryGet(model, version, out var one))
        {
            entries = [one];
        }
        else
        {
            return V2Failure.NotFound(KServeEndpoints.NotFoundMessage(catalog, model, version));
        }

        var grains = services.GetRequiredService<IGrainFactory>();
        var stats = new List<TritonModelStatistics>();
        foreach (var entry in entries)
        {
            var s = await grains.GetGrain<IModelVersionGrain>(ModelKeys.VersionKey(entry.Name, entry.Version)).GetStatisticsAsync(cancellationToken);
            var batchStats = s.BatchSizes.OrderBy(b => b.Key)
                .Select(b => new TritonBatchStatistics(b.Key, Zero, new TritonStatisticDuration(b.Value, 0), Zero))
                .ToArray();
            stats.Add(new TritonModelStatistics(
                s.Model,
                s.Version,
                s.LastInferenceUnixMs,
                s.InferenceCount,
                s.ExecutionCount,
                new TritonInferenceStatistics(
                    new TritonStatisticDuration(s.SuccessCount, s.SuccessNs),
                    new TritonStatisticDuration(s.FailureCount, s.FailureNs),
                    new TritonStatisticDuration(s.SuccessCount, s.QueueNs),
                    Zero,
                    new TritonStatisticDuration(s.ExecutionCount, s.ComputeNs),
                    Zero),
                batchStats));
        }

        return new TritonModelStatisticsResponse(stats);
    }

    private static async Task<IResult> IndexEndpointAsync(HttpContext context, IServiceProvider services, CancellationToken cancellationToken)
    {
        var readyOnly = false;
        if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            // Triton's clients send JSON, sometimes without a Content-Type; another declared type is refused.
            if (!string.IsNullOrEmpty(context.Request.ContentType) && !context.Request.HasJsonContentType())
            {
                return KServeEndpoints.Error(StatusCodes.Status415UnsupportedMediaType, $"The index request body must be JSON (Content-Type 'application/json'), not '{context.Request.ContentType}'.");
            }

            TritonRepositoryIndexRequest? body;
            try
            {
                body = await context.Request.ReadFromJsonAsync(KServeJsonContext.Default.TritonRepositoryIndexRequest, cancellationToken);
            }
            catch (System.Text.Json.JsonException ex)
            {
                return KServeEndpoints.Error(StatusCodes.Status400BadRequest, $"The index request must be JSON like {{\"ready\": true}}: {ex.Message}");
            }

            readyOnly = body?.Ready ?? false;
        }

        return Results.Json(await IndexAsync(services, readyOnly, cancellationToken), KServeJsonContext.Default.IReadOnlyListTritonRepositoryIndexEntry);
    }

    private static async Task<IResult> StatisticsResultAsync(IServiceProvider services, string? model, string? version, CancellationToken cancellationToken)
    {
        var stats = await StatisticsAsync(services, model, version, cancellationToken);
        return stats.IsSuccess ? Results.Json(stats.Value!, KServeJsonContext.Default.TritonModelStatisticsResponse) : KServeEndpoints.Error(stats.Failure);
    }

    private static IResult EmptyResult(V2Failure? failure) => failure is null ? Results.Ok() : KServeEndpoints.Error(failure);

    private static TritonStatisticDuration Zero { get; } = new(0, 0);

    private static string ToTritonState(ModelVersionState state) => state switch
    {
        ModelVersionState.Ready => "READY",
        ModelVersionState.Loading => "LOADING",
        ModelVersionState.Draining => "UNLOADING",
        _ => "UNAVAILABLE",
    };
}
