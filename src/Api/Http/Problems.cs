using OrleansInference.Contracts.Inference;

namespace OrleansInference.Api.Http;

/// <summary>RFC 7807 problem results for the project's own endpoints.</summary>
internal static class Problems
{
    public static IResult BadRequest(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid request");

    public static IResult NotFound(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static IResult Conflict(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");

    public static IResult ForStatus(InferenceStatus status, string detail) =>
        Results.Problem(detail, statusCode: InferenceStatusHttp.ToStatusCode(status), title: InferenceStatusHttp.Title(status));
}
