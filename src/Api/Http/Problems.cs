using OrleansInference.Contracts.Inference;
using OrleansInference.Contracts.Models;

namespace OrleansInference.Api.Http;

/// <summary>RFC 7807 problem results for the project's own endpoints.</summary>
internal static class Problems
{
    public static IResult BadRequest(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid request");

    public static IResult NotFound(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static IResult Conflict(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");

    public static IResult ForStatus(InferenceStatus status, string detail) =>
        Results.Problem(detail, statusCode: InferenceStatusHttp.ToStatusCode(status), title: InferenceStatusHttp.Title(status));

    /// <summary>
    /// Why <paramref name="route"/> found no version: 503 with Retry-After for a version that exists but cannot serve
    /// now (an operator unloaded it), 404 otherwise.
    /// </summary>
    public static IResult ForMissingRoute(HttpResponse response, VersionRoute route, string fallback)
    {
        if (route.RetryAfter is { } wait)
        {
            InferenceStatusHttp.SetRetryAfter(response, InferenceStatus.Unavailable, wait);
            return ForStatus(InferenceStatus.Unavailable, route.Error ?? fallback);
        }

        return NotFound(route.Error ?? fallback);
    }
}
