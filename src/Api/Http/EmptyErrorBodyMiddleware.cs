namespace OrleansInference.Api.Http;

/// <summary>
/// Gives an error status that would otherwise go out with an empty body (an unknown path's 404, a wrong method's 405)
/// a problem-details body (the v2 error body under <c>/v2</c>), as ASP.NET Core's status-code pages do, without their per-request items dictionary and
/// feature. Endpoints marked with <see cref="WritesErrorBodiesMetadata"/> (the inference paths) are passed straight
/// on: they write their own error bodies, and a request that waits for its batch then pays for no state machine here.
/// </summary>
internal sealed class EmptyErrorBodyMiddleware(RequestDelegate next, IProblemDetailsService problems)
{
    public Task InvokeAsync(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<WritesErrorBodiesMetadata>() is not null ? next(context) : InvokeCheckedAsync(context);

    private async Task InvokeCheckedAsync(HttpContext context)
    {
        await next(context);
        var response = context.Response;
        if (response.HasStarted
            || response.StatusCode is < 400 or >= 600
            || response.ContentLength is not null
            || !string.IsNullOrEmpty(response.ContentType))
        {
            return;
        }

        var request = context.Request;
        if (request.Path.StartsWithSegments("/v2"))
        {
            // v2 clients (Triton's among them) read {"error": "..."} from every failed v2 call, an unknown path's too.
            var message = response.StatusCode switch
            {
                StatusCodes.Status404NotFound => $"No v2 endpoint matches {request.Method} {request.Path}.",
                StatusCodes.Status405MethodNotAllowed => $"{request.Path} does not take {request.Method}.",
                StatusCodes.Status415UnsupportedMediaType => $"{request.Method} {request.Path} does not take Content-Type '{request.ContentType}'; send 'application/json'.",
                _ => $"{request.Method} {request.Path} failed with status {response.StatusCode}.",
            };
            await V2Errors.WriteAsync(response, response.StatusCode, message, context.RequestAborted);
            return;
        }

        var problem = new ProblemDetailsContext { HttpContext = context };
        if (response.StatusCode == StatusCodes.Status415UnsupportedMediaType)
        {
            // Routing refused the body's type before any endpoint ran: say what it takes.
            problem.ProblemDetails.Status = StatusCodes.Status415UnsupportedMediaType;
            problem.ProblemDetails.Detail =
                $"{request.Method} {request.Path} does not take Content-Type '{request.ContentType}'; send 'application/json' (or 'multipart/form-data' where a file is uploaded).";
        }

        else if (response.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Parameter binding stopped reading at the body limit.
            problem.ProblemDetails.Status = StatusCodes.Status413PayloadTooLarge;
            problem.ProblemDetails.Detail = RequestBodyLimitMiddleware.TooLargeDetail(context);
        }

        await problems.TryWriteAsync(problem);
    }
}
