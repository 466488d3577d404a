using System.Buffers;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.ObjectPool;
using Microsoft.Extensions.Options;
using OrleansInference.Api.Http;
using OrleansInference.Api.Resilience;
using OrleansInference.Contracts.Inference;
using OrleansInference.Contracts.Models;
using OrleansInference.Grid.Catalog;
using OrleansInference.Grid.Repository;
using OrleansInference.Grid.Experiments;

namespace OrleansInference.Api.Predict;

/// <summary>
/// <c>POST /api/v1/predict</c>: route to a version, preprocess, batch, run, postprocess, answer per row. Created once
/// at mapping with its singletons and mapped as a plain request delegate that writes its own answers, errors included:
/// no result object, result task or service scope per request.
/// </summary>
internal sealed class PredictEndpoint(
    GridCalls grid,
    ModelCatalog catalog,
    IOptions<ApiOptions> options,
    TimeProvider time,
    ExperimentRouter experiments,
    PredictionLog log,
    VersionCircuitBreakers breakers)
{
    /// <summary>The header naming the version that answered in place of a version whose circuit breaker is open.</summary>
    public const string FallbackVersionHeader = "X-Fallback-Version";

    /// <summary>The header saying what answered in place of a version whose circuit breaker is open: <c>cache</c>, its cached answer.</summary>
    public const string FallbackHeader = "X-Fallback";

    private readonly PredictionIdGenerator _ids = new(time);
    private readonly ObjectPool<JsonResponseBuffer> _responses = JsonResponseBuffer.CreatePool();

    /// <summary>
    /// The request delegate. A request that waits for its batch suspends a pooled state machine; only then is a task
    /// created for the server to await.
    /// </summary>
    public Task HandleAsync(HttpContext context)
    {
        var pending = HandleCoreAsync(context);
        return pending.IsCompletedSuccessfully ? Task.CompletedTask : pending.AsTask();
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask HandleCoreAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var cancellationToken = context.RequestAborted;
        using var body = await RequestBodyReader.ReadAsync(context.Request, options.Value.MaxRequestBodyBytes, cancellationToken);
        var envelope = PredictRequestReader.ReadEnvelope(body.Span, out var parsed);
        float[]? rows = null;
        ExperimentRequest? experiment;
        CatalogEntry? entry;
        bool singleRow;
        PredictResult result;
        string? fallbackVersion;
        var cachedFallback = false;
        try
        {
            if (string.IsNullOrEmpty(envelope.Model))
            {
                await Problems.BadRequest("The body needs 'model', the name of a registered model.").ExecuteAsync(context);
                return;
            }

            if (!envelope.HasFeatures)
            {
                await Problems.BadRequest("The body needs 'features' (or 'input'): one row or a list of rows.").ExecuteAsync(context);
                return;
            }

            if (!catalog.Contains(envelope.Model))
            {
                await Problems.NotFound($"Model '{envelope.Model}' is not registered. Registered models: {string.Join(", ", catalog.ModelNames)}.").ExecuteAsync(context);
                return;
            }

            experiment = await experiments.BeginAsync(envelope.Model, envelope.Version, envelope.UserId, cancellationToken);
            var route = experiment?.Route ?? await grid.ResolveAsync(envelope.Model, envelope.Version, envelope.UserId, cancellationToken);
            if (!route.Found || !catalog.TryGet(envelope.Model, route.Version!, out entry))
            {
                await Problems.ForMissingRoute(context.Response, route, $"Model '{envelope.Model}' has no version '{envelope.Version}'.").ExecuteAsync(context);
                return;
            }

            // Assigned to rows only once read: a reader that throws has already returned what it rented.
            (var rowCount, singleRow) = PredictRequestReader.ReadFeatures(body.Span, envelope, ref parsed, entry.Vectorizer, out var features);
            rows = features;
            var columns = entry.Vectorizer.Columns;
            var deadline = time.GetUtcNow().AddMilliseconds(entry.Config.Batching?.DefaultTimeoutMs ?? options.Value.DefaultDeadlineMs);
            experiment?.CaptureFeatures(rows.AsSpan(0, rowCount * columns), rowCount, columns);
            var request = new PredictRequest(rows.AsMemory(0, rowCount * columns), rowCount, columns, RequestPriority.RealTime, deadline);
            if (breakers.TryPass(entry.VersionKey, out var pass))
            {
                // The breaker is closed: straight to the grid, then the outcome is counted.
                try
                {
                    result = await grid.PredictAsync(entry.VersionKey, request, cancellationToken);
                }
                catch (Exception ex)
                {
                    pass.Failed(ex, cancellationToken);
                    throw;
                }

                pass.Completed(result.Status, cancellationToken);
                fallbackVersion = null;
            }
            else
            {
                (result, fallbackVersion, cachedFallback) = await breakers.PredictAsync(grid, entry.Name, entry.Version, entry.VersionKey, request, cancellationToken);
            }
        }
        finally
        {
            // Whichever of the two buffers this request still holds: the envelope's numbers until the features take
            // them over, the features' rows after.
            if (parsed is not null)
            {
                ArrayPool<float>.Shared.Return(parsed);
            }

            if (rows is not null)
            {
                ArrayPool<float>.Shared.Return(rows);
            }
        }

        if (experiment is not null)
        {
            await experiment.CompleteAsync(result, Stopwatch.GetElapsedTime(started).TotalMilliseconds, cancellationToken);
        }

        if (result.Status != InferenceStatus.Ok)
        {
            InferenceStatusHttp.SetRetryAfter(context.Response, result.Status, result.RetryAfter);
            await Problems.ForStatus(result.Status, result.Error ?? $"Model '{entry.Name}/{entry.Version}' failed.").ExecuteAsync(context);
            return;
        }

        var latencyMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        if (fallbackVersion is not null)
        {
            context.Response.Headers[FallbackVersionHeader] = fallbackVersion;
        }
        else if (cachedFallback)
        {
            context.Response.Headers[FallbackHeader] = "cache";
        }

        // Written whole first, so the response carries Content-Length and goes out in one write, not in chunks; the
        // bytes are copied into the response before anything is awaited, so the buffer goes back to its pool at once.
        var response = _responses.Get();
        try
        {
            PredictResponseWriter.Write(response.Writer, _ids, log, result, singleRow, latencyMs, experiment, fallback: fallbackVersion is not null || cachedFallback);
            response.Writer.Flush();
            context.Response.ContentLength = response.Buffer.WrittenCount;
            context.Response.BodyWriter.Write(response.Buffer.WrittenMemory.Span);
        }
        finally
        {
            _responses.Return(response);
        }

        await context.Response.BodyWriter.FlushAsync(cancellationToken);
    }
}
