using Orleans;
using OrleansInference.Api.Security;
using OrleansInference.Contracts.Models;
using OrleansInference.Grid.Catalog;
using OrleansInference.Grid.Repository;

namespace OrleansInference.Api.KServe;

/// <summary>Triton's model-repository extension (index, load, unload) and statistics extension, so Triton tooling works unchanged.</summary>
internal static class TritonEndpoints
{
    public static void Map(RouteGroupBuilder v2)
    {
        v2.MapPost("/repository/index", IndexAsync).WithSummary("Lists every model version in the repository with its state (Triton).");
        v2.MapPost("/repository/models/{model}/load", (string model, ModelCatalog catalog, IGrainFactory grains, CancellationToken ct) => LoadAsync(model, catalog, grains, ct))
            .WithSummary("Loads the model's serving versions (Triton).").RequireAccess(ApiAccess.Admin);
        v2.MapPost("/repository/models/{model}/unload", (string model, ModelCatalog catalog, IGrainFactory grains, CancellationToken ct) => UnloadAsync(model, catalog, grains, ct))
            .WithSummary("Drains and unloads the model's loaded versions (Triton).").RequireAccess(ApiAccess.Admin);
        v2.MapGet("/models/stats", (ModelCatalog catalog, IGrainFactory grains, CancellationToken ct) => StatisticsAsync(null, null, catalog, grains, ct))
            .WithSummary("Inference statistics of every model version (Triton).");
        v2.MapGet("/models/{model}/stats", (string model, ModelCatalog catalog, IGrainFactory grains, CancellationToken ct) => StatisticsAsync(model, null, catalog, grains, ct))
            .WithSummary("Inference statistics of a model's versions (Triton).");
        v2.MapGet("/models/{model}/versions/{version}/stats", (string model, string version, ModelCatalog catalog, IGrainFactory grains, CancellationToken ct) =>
            StatisticsAsync(model, version, catalog, grains, ct)).WithSummary("Inference statistics of one version (Triton).");
    }

    private static async Task<IResult> IndexAsync(HttpContext context, ModelCatalog catalog, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var readyOnly = false;
        if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
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

        return Results.Json(entries, KServeJsonContext.Default.IReadOnlyListTritonRepositoryIndexEntry);
    }

    private static async Task<IResult> LoadAsync(string model, ModelCatalog catalog, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (!catalog.Contains(model))
        {
            return KServeEndpoints.Error(StatusCodes.Status404NotFound, KServeEndpoints.NotFoundMessage(catalog, model, null));
        }

        var statuses = await grains.GetGrain<IModelGrain>(model).LoadAsync(null, cancellationToken);
        if (statuses.Count == 0)
        {
            return KServeEndpoints.Error(StatusCodes.Status400BadRequest, $"Model '{model}' has no version to load: deploy one or set a version's stage to production.");
        }

        var failed = statuses.FirstOrDefault(s => s.State != ModelVersionState.Ready);
        return failed is null
            ? Results.Ok()
            : KServeEndpoints.Error(StatusCodes.Status400BadRequest, $"Failed to load '{failed.Model}/{failed.Version}': {failed.Error ?? failed.State.ToString()}");
    }

    private static async Task<IResult> UnloadAsync(string model, ModelCatalog catalog, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (!catalog.Contains(model))
        {
            return KServeEndpoints.Error(StatusCodes.Status404NotFound, KServeEndpoints.NotFoundMessage(catalog, model, null));
        }

        await grains.GetGrain<IModelGrain>(model).UnloadAsync(null, cancellationToken);
        return Results.Ok();
    }

    private static async Task<IResult> StatisticsAsync(string? model, string? version, ModelCatalog catalog, IGrainFactory grains, CancellationToken cancellationToken)
    {
        IEnumerable<CatalogEntry> entries;
        if (model is null)
        {
            entries = catalog.Entries;
        }
        else if (version is null)
        {
            entries = catalog.VersionsOf(model);
            if (!catalog.Contains(model))
            {
                return KServeEndpoints.Error(StatusCodes.Status404NotFound, KServeEndpoints.NotFoundMessage(catalog, model, null));
            }
        }
        else if (catalog.TryGet(model, version, out var one))
        {
            entries = [one];
        }
        else
        {
            return KServeEndpoints.Error(StatusCodes.Status404NotFound, KServeEndpoints.NotFoundMessage(catalog, model, version));
        }

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

        return Results.Json(new TritonModelStatisticsResponse(stats), KServeJsonContext.Default.TritonModelStatisticsResponse);
    }

    private static TritonStatisticDuration Zero { get; } = new(0, 0);

    private static string ToTritonState(ModelVersionState state) => state switch
    {
        ModelVersionState.Ready => "READY",
        ModelVersionState.Loading => "LOADING",
        ModelVersionState.Draining => "UNLOADING",
        _ => "UNAVAILABLE",
    };
}
