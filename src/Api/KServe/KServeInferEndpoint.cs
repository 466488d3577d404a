using System.Globalization;
using Microsoft.Extensions.Options;
using Orleans;
using OrleansInference.Api.Http;
using OrleansInference.Contracts.Inference;
using OrleansInference.Contracts.Models;
using OrleansInference.Grid.Catalog;
using OrleansInference.Grid.Repository;

namespace OrleansInference.Api.KServe;

/// <summary>
/// <c>POST /v2/models/{model}[/versions/{version}]/infer</c>. The body is JSON, or JSON followed by binary tensor
/// data when <c>Inference-Header-Content-Length</c> is set. Request <c>parameters</c>: <c>timeout</c> (microseconds,
/// as Triton) sets the deadline; <c>priority</c> 0 or 1 is real-time, 2 and above is offline and yields to real-time work.
/// </summary>
internal static class KServeInferEndpoint
{
    public static async Task HandleAsync(HttpContext context, string model, string? version)
    {
        var services = context.RequestServices;
        var catalog = services.GetRequiredService<ModelCatalog>();
        var grid = services.GetRequiredService<GridCalls>();
        var options = services.GetRequiredService<IOptions<ApiOptions>>().Value;
        var time = services.GetRequiredService<TimeProvider>();
        var cancellationToken = context.RequestAborted;
        var response = context.Response;

        if (!catalog.Contains(model) || (version is not null && !catalog.TryGet(model, version, out _)))
        {
            await V2Errors.WriteAsync(response, StatusCodes.Status404NotFound, KServeEndpoints.NotFoundMessage(catalog, model, version), cancellationToken);
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
        if (version is null)
        {
            var route = await grid.ResolveAsync(model, null, null, cancellationToken);
            if (!route.Found)
            {
                InferenceStatusHttp.SetRetryAfter(response, InferenceStatus.Unavailable, route.RetryAfter);
                await V2Errors.WriteAsync(response, StatusCodes.Status503ServiceUnavailable, route.Error ?? $"Model '{model}' has no serving version.", cancellationToken);
                return;
            }

            version = route.Version!;
        }

        if (!TryReadScheduling(v2, time, options, out var priority, out var deadline, out var schedulingError))
        {
            await V2Errors.WriteAsync(response, StatusCodes.Status400BadRequest, schedulingError, cancellationToken);
            return;
        }

        var request = v2.Request with { Priority = priority, Deadline = deadline };
        var result = await grid.InferAsync(ModelKeys.VersionKey(model, version), request, cancellationToken);
        try
        {
            if (!result.IsSuccess)
            {
                InferenceStatusHttp.SetRetryAfter(response, result.Status, result.RetryAfter);
                await V2Errors.WriteAsync(response, InferenceStatusHttp.ToStatusCode(result.Status), result.Error ?? $"Model '{model}/{version}' failed.", cancellationToken);
                return;
            }

            using var buffer = new PooledBufferWriter(16 * 1024);
            var layout = V2InferResponseWriter.Write(buffer, result, v2);
            response.StatusCode = StatusCodes.Status200OK;
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
            if (result.Outputs is { } outputs)
            {
                foreach (var output in outputs)
                {
                    output.Dispose();
                }
            }
        }
    }

    private static bool TryReadScheduling(
        V2InferRequest request, TimeProvider time, ApiOptions options, out RequestPriority priority, out DateTimeOffset deadline, out string error)
    {
        priority = RequestPriority.RealTime;
        deadline = time.GetUtcNow().AddMilliseconds(options.DefaultDeadlineMs);
        error = string.Empty;
        if (request.Parameters.TryGetValue("priority", out var p))
        {
            if (!p.TryGetInt64(out var value) || value < 0)
            {
                error = "Parameter 'priority' must be a non-negative integer: 0 or 1 for real-time, 2 or more for offline work.";
                return false;
            }

            priority = value >= 2 ? RequestPriority.Offline : RequestPriority.RealTime;
        }

        if (request.Parameters.TryGetValue("timeout", out var t))
        {
            if (!t.TryGetInt64(out var micros) || micros <= 0 || micros > 3_600_000_000)
            {
                error = "Parameter 'timeout' must be an integer number of microseconds between 1 and 3600000000.";
                return false;
            }

            deadline = time.GetUtcNow().AddTicks(micros * TimeSpan.TicksPerMicrosecond);
        }

        return true;
    }
}
