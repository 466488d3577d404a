using System.Globalization;
using OrleansInference.Api.Http;
using OrleansInference.Contracts.Inference;

namespace OrleansInference.Api.KServe;

/// <summary>
/// Why a v2 operation did not succeed, as the HTTP status the REST protocol answers with; the gRPC service maps the
/// same status to its code, so both protocols refuse a request for the same reason with the same message.
/// </summary>
/// <param name="StatusCode">The HTTP status: 400, 404, 409, 413, 429, 499 (cancelled), 500, 503 or 504.</param>
/// <param name="Message">A full sentence naming what was wrong.</param>
/// <param name="RetryAfter">When set, how long a client should wait before retrying (429 and 503).</param>
internal sealed record V2Failure(int StatusCode, string Message, TimeSpan? RetryAfter = null)
{
    /// <summary>A 400: the request is invalid.</summary>
    public static V2Failure BadRequest(string message) => new(StatusCodes.Status400BadRequest, message);

    /// <summary>A 404: the model or version does not exist.</summary>
    public static V2Failure NotFound(string message) => new(StatusCodes.Status404NotFound, message);

    /// <summary>The failure of an inference call that ended with <paramref name="status"/>.</summary>
    public static V2Failure FromInference(InferenceStatus status, string message, TimeSpan? retryAfter) =>
        new(InferenceStatusHttp.ToStatusCode(status), message,
            status is InferenceStatus.QueueFull or InferenceStatus.Unavailable ? retryAfter ?? TimeSpan.FromSeconds(1) : null);

    /// <summary>Writes the v2 error body, <c>{"error": "..."}</c>, with <c>Retry-After</c> when set.</summary>
    public Task WriteAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        if (RetryAfter is { } wait)
        {
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        return V2Errors.WriteAsync(response, StatusCode, Message, cancellationToken);
    }
}
