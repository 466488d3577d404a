using OrleansInference.Contracts.Inference;

namespace OrleansInference.Api.Http;

/// <summary>Maps inference statuses to HTTP: the one place the boundary decides codes and Retry-After.</summary>
internal static class InferenceStatusHttp
{
    public static int ToStatusCode(InferenceStatus status) => status switch
    {
        InferenceStatus.Ok => StatusCodes.Status200OK,
        InferenceStatus.InvalidInput => StatusCodes.Status400BadRequest,
        InferenceStatus.NotFound => StatusCodes.Status404NotFound,
        InferenceStatus.QueueFull => StatusCodes.Status429TooManyRequests,
        InferenceStatus.DeadlineExceeded => StatusCodes.Status504GatewayTimeout,
        InferenceStatus.Cancelled => 499,
        InferenceStatus.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    public static string Title(InferenceStatus status) => status switch
    {
        InferenceStatus.InvalidInput => "Invalid input",
        InferenceStatus.NotFound => "Not found",
        InferenceStatus.QueueFull => "Queue full",
        InferenceStatus.DeadlineExceeded => "Deadline exceeded",
        InferenceStatus.Cancelled => "Cancelled",
        InferenceStatus.Unavailable => "Model unavailable",
        _ => "Model failure",
    };

    /// <summary>Sets Retry-After (whole seconds, at least 1) for statuses a client should retry.</summary>
    public static void SetRetryAfter(HttpResponse response, InferenceStatus status, TimeSpan? retryAfter)
    {
        if (status is InferenceStatus.QueueFull or InferenceStatus.Unavailable)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling((retryAfter ?? TimeSpan.FromSeconds(1)).TotalSeconds));
            response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
