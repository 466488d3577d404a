using System.Globalization;
using Microsoft.Extensions.Options;
using OrleansInference.Api.Http;
using OrleansInference.Api.Resilience;
using OrleansInference.Contracts.Inference;
using OrleansInference.Contracts.Models;
using OrleansInference.Grid.Catalog;
using OrleansInference.Grid.Repository;

namespace OrleansInference.Api.KServe;

/// <summary>
/// <c>POST /v2/models/{model}[/versions/{version}]/infer</c>. The body is JSON, or JSON followed by binary tensor
/// data when <c>Inference-Header-Content-Length</c> is set. <see cref="InferAsync"/> is the one inference path of
/// both v2 protocols (REST here, gRPC in <c>GrpcInferenceService</c>): request <c>parameters</c> <c>timeout</c>
/// (microseconds, as Triton) sets the deadline; <c>priority</c> 0 or 1 is real-time, 2 and above is offline and
/// yields to real-time work; an output's <c>classification</c> returns its top classes.
/// </summary>
internal static class KServeInferEndpoint
{
    /// <summary>The largest <c>timeout</c> parameter accepted, in microseconds (one hour).</summary>
    private const long MaxTimeoutMicroseconds = 3_600_000_000;

    /// <summary>The response parameters of an answer served by a fallback version: <c>{"fallback": true}</c>.</summary>
    private static readonly IReadOnlyDictionary<string, V2ParameterValue> FallbackParameters =
        new Dictionary<string, V2ParameterValue> { ["fallback"] = V2ParameterValue.FromBoolean(true) };

    public static async Task HandleAsync(HttpContext context, string model, string? version)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptions<ApiOptions>>().Value;
        var cancellationToken = context.RequestAborted;
        var response = context.Response;

        if (FindModel(services, model, version) is { } notFound)
        {
            await notFound.WriteAsync(response, cancellationToken);
            return;
        }

        long? headerLength = null;
        if (context.Request.Headers.TryGetValue(V2Protocol.InferenceHeaderContentLength, out var headerValue))
        {
            if (!long.TryParse(headerValue, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                await V2Errors.WriteAsync(response, StatusCodes.Status400BadRequest,
                    $"Header {V2Protocol.InferenceHeaderContentLength} must be a non-negative integer (the JSON part's length in bytes); got '{headerValue}'.", cancellationToken);
                return;
            }

            headerLength = parsed;
        }

        V2ReadResult read;
        using (var body = await RequestBodyReader.ReadAsync(context.Request, options.MaxRequestBodyBytes, cancellationToken))
        {
            read = V2InferRequestReader.Read(body.Span, headerLength);
        }

        if (!read.IsSuccess)
        {
            await V2Errors.WriteAsync(response, StatusCodes.Status400BadRequest, read.Error.Message, cancellationToken);
            return;
        }

        using var v2 = read.Request;
        var outcome = await InferAsync(services, model, version, v2, callDeadline: null, cancellationToken);
        if (!outcome.IsSuccess)
        {
            await outcome.Failure.WriteAsync(response, cancellationToken);
            return;
        }

        var result = outcome.Value!;
        try
        {
            using var buffer = new PooledBufferWriter(16 * 1024);
            var layout = V2InferResponseWriter.Write(buffer, result, v2, outcome.FallbackVersion is null ? null : FallbackParameters);
            response.StatusCode = StatusCodes.Status200OK;
            if (outcome.FallbackVersion is { } fallbackVersion)
            {
                response.Headers[Predict.PredictEndpoint.FallbackVersionHeader] = fallbackVersion;
            }

            response.ContentLength = buffer.WrittenCount;
            if (layout.HasBinaryData)
            {
                response.ContentType = "application/octet-stream";
                response.Headers[V2Protocol.InferenceHeaderContentLength] = layout.JsonLength.ToString(CultureInfo.InvariantCulture);
            }
            else
            {
                response.ContentType = "application/json";
            }

            await response.Body.WriteAsync(buffer.WrittenMemory, cancellationToken);
        }
        finally
        {
            Dispose(result);
        }
    }

    /// <summary>
    /// Runs a parsed v2 request on <paramref name="model"/> (its serving version when <paramref name="version"/> is
    /// null): resolves the version, applies the scheduling parameters and the classification extension. A successful
    /// result's outputs belong to the caller (dispose them).
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="model">The model's name.</param>
    /// <param name="version">The version; null for the model's serving version (routing and experiments decide).</param>
    /// <param name="v2">The parsed request; its inputs stay owned by the caller.</param>
    /// <param name="callDeadline">The transport's own deadline (gRPC's <c>grpc-timeout</c>); the earlier of it and the request's wins.</param>
    /// <param name="cancellationToken">The caller's abort.</param>
    public static async ValueTask<V2Outcome<InferenceResult>> InferAsync(
        IServiceProvider services, string model, string? version, V2InferRequest v2, DateTimeOffset? callDeadline, CancellationToken cancellationToken)
    {
        if (FindModel(services, model, version) is { } notFound)
        {
            return notFound;
        }

        var grid = services.GetRequiredService<GridCalls>();
        if (version is null)
        {
            var route = await grid.ResolveAsync(model, null, null, cancellationToken);
            if (!route.Found)
            {
                return V2Failure.FromInference(InferenceStatus.Unavailable, route.Error ?? $"Model '{model}' has no serving version.", route.RetryAfter);
            }

            version = route.Version!;
        }

        var options = services.GetRequiredService<IOptions<ApiOptions>>().Value;
        var time = services.GetRequiredService<TimeProvider>();
        if (!TryReadScheduling(v2, time, options, callDeadline, out var priority, out var deadline, out var schedulingError))
        {
            return V2Failure.BadRequest(schedulingError);
        }

        var request = v2.Request with { Priority = priority, Deadline = deadline };
        var breakers = services.GetRequiredService<VersionCircuitBreakers>();
        var versionKey = ModelKeys.VersionKey(model, version);
        InferenceResult result;
        string? fallbackVersion = null;
        if (breakers.TryPass(versionKey, out var pass))
        {
            // The breaker is closed: straight to the grid, then the outcome is counted.
            try
            {
                result = await grid.InferAsync(versionKey, request, cancellationToken);
            }
            catch (Exception ex)
            {
                pass.Failed(ex, cancellationToken);
                throw;
            }

            pass.Completed(result.Status, cancellationToken);
        }
        else
        {
            (result, fallbackVersion, _) = await breakers.InferAsync(grid, model, version, versionKey, request, cancellationToken);
        }

        if (!result.IsSuccess)
        {
            Dispose(result);
            return V2Failure.FromInference(result.Status, result.Error ?? $"Model '{model}/{version}' failed.", result.RetryAfter);
        }

        if (!V2Classification.IsRequested(v2))
        {
            return ((V2Outcome<InferenceResult>)result).ServedBy(fallbackVersion);
        }

        var catalog = services.GetRequiredService<ModelCatalog>();
        var postprocessing = catalog.TryGet(model, fallbackVersion ?? version, out var entry) ? entry.Config.Postprocessing : null;
        var labelOutput = postprocessing?.Output ?? (entry?.Config.Outputs is [var first, ..] ? first.Name : null);
        return V2Classification.Apply(result, v2, output => output == labelOutput ? postprocessing?.Labels : null).ServedBy(fallbackVersion);
    }

    /// <summary>Null when the model (and the version, when given) is registered; otherwise the 404 that says what is.</summary>
    public static V2Failure? FindModel(IServiceProvider services, string model, string? version)
    {
        var catalog = services.GetRequiredService<ModelCatalog>();
        if (version is not null && catalog.TryGet(model, version, out var entry) && entry.Stage == ModelStages.Archived)
        {
            // An archived version serves no traffic on any route, named explicitly or not.
            return V2Failure.NotFound($"Version '{model}/{version}' is archived and serves no traffic.");
        }

        return catalog.Contains(model) && (version is null || catalog.TryGet(model, version, out _))
            ? null
            : V2Failure.NotFound(KServeEndpoints.NotFoundMessage(catalog, model, version));
    }

    /// <summary>Returns a result's output buffers.</summary>
    public static void Dispose(InferenceResult result)
    {
        foreach (var output in result.Outputs ?? [])
        {
            output.Dispose();
        }
    }

    private static bool TryReadScheduling(
        V2InferRequest request, TimeProvider time, ApiOptions options, DateTimeOffset? callDeadline,
        out RequestPriority priority, out DateTimeOffset deadline, out string error)
    {
        priority = RequestPriority.RealTime;
        var now = time.GetUtcNow();
        deadline = now.AddMilliseconds(options.DefaultDeadlineMs);
        error = string.Empty;
        if (request.Parameters.TryGetValue("priority", out var p))
        {
            if (!p.TryGetInt64(out var value) || value < 0)
            {
                error = $"Parameter 'priority' must be a non-negative integer: 0 or 1 for real-time, 2 or more for offline work; got {p}.";
                return false;
            }

            priority = value >= 2 ? RequestPriority.Offline : RequestPriority.RealTime;
        }

        if (request.Parameters.TryGetValue("timeout", out var t))
        {
            if (!t.TryGetInt64(out var micros) || micros <= 0 || micros > MaxTimeoutMicroseconds)
            {
                error = $"Parameter 'timeout' must be an integer number of microseconds between 1 and {MaxTimeoutMicroseconds}; got {t}.";
                return false;
            }

            deadline = now.AddTicks(micros * TimeSpan.TicksPerMicrosecond);
        }

        if (callDeadline < deadline)
        {
            deadline = callDeadline.Value;
        }

        return true;
    }
}
