using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using OrleansInference.Api.Predict;
using OrleansInference.Contracts.Models;
using OrleansInference.Grid.Repository;

namespace OrleansInference.Api.Http;

/// <summary>
/// The one place exceptions become responses: RFC 7807 problem details on the project's endpoints, the v2 error
/// body (<c>{"error": "..."}</c>) under <c>/v2</c>. Unexpected exceptions are logged and answered with 500.
/// </summary>
internal sealed partial class ApiExceptionHandler : IExceptionHandler
{
    private readonly IProblemDetailsService _problems;
    private readonly ILogger<ApiExceptionHandler> _logger;

    public ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger)
    {
        _problems = problems;
        _logger = logger;
    }

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            return true;
        }

        var (status, title) = exception switch
        {
            PredictFormatException => (StatusCodes.Status400BadRequest, "Invalid request body"),
            BodyTooLargeException => (StatusCodes.Status413PayloadTooLarge, "Request body too large"),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (StatusCodes.Status413PayloadTooLarge, "Request body too large"),
            BadHttpRequestException bad => (bad.StatusCode, "Bad request"),
            System.Text.Json.JsonException => (StatusCodes.Status400BadRequest, "Invalid request body"),
            InvalidDataException => (StatusCodes.Status400BadRequest, "Invalid request body"),
            IOException when httpContext.Request.HasFormContentType && !httpContext.RequestAborted.IsCancellationRequested => (StatusCodes.Status400BadRequest, "Invalid request body"),
            ModelRepositoryConflictException => (StatusCodes.Status409Conflict, "Conflict"),
            ModelRepositoryUnavailableException => (StatusCodes.Status503ServiceUnavailable, "Model repository unavailable"),
            OrleansInference.Contracts.Models.ModelOperationException => (StatusCodes.Status409Conflict, "Conflict"),
            ModelRepositoryException => (StatusCodes.Status400BadRequest, "Invalid model"),
            ArgumentException => (StatusCodes.Status400BadRequest, "Invalid argument"),
            _ when GridCalls.IsGridUnavailable(exception) => (StatusCodes.Status503ServiceUnavailable, "Grid unavailable"),
            _ => (StatusCodes.Status500InternalServerError, "Internal error"),
        };

        var detail = exception switch
        {
            _ when status == StatusCodes.Status500InternalServerError => "The server failed to process the request; the error is logged with the trace id.",
            ModelRepositoryUnavailableException => exception.Message,
            _ when status == StatusCodes.Status503ServiceUnavailable => $"The grid could not answer now (a silo left or the cluster is reconfiguring); retry shortly. {exception.Message}",
            BadHttpRequestException when status == StatusCodes.Status413PayloadTooLarge => RequestBodyLimitMiddleware.TooLargeDetail(httpContext),
            System.Text.Json.JsonException json => JsonDetail(json),
            InvalidDataException data => $"The body is malformed or does not decode as its Content-Encoding says: {data.Message}",
            IOException io when status == StatusCodes.Status400BadRequest => $"The multipart body is malformed: {io.Message}",
            _ => exception.Message,
        };
        if (status == StatusCodes.Status500InternalServerError)
        {
            Log.Unhandled(_logger, httpContext.Request.Method, httpContext.Request.Path, exception);
        }

        httpContext.Response.StatusCode = status;
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = "1";
        }

        if (httpContext.Request.Path.StartsWithSegments("/v2"))
        {
            await V2Errors.WriteAsync(httpContext.Response, status, detail, cancellationToken);
            return true;
        }

        return await _problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }

    private static string JsonDetail(System.Text.Json.JsonException exception)
    {
        var field = string.IsNullOrEmpty(exception.Path) || exception.Path == "$" ? "the body" : $"'{exception.Path.TrimStart('$', '.')}'";
        return $"Invalid JSON at {field}: {exception.Message}";
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2000, Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path}.")]
        public static partial void Unhandled(ILogger logger, string method, string path, Exception exception);
    }
}
