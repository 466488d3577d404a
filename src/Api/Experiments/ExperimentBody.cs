using System.Text.Json;
using OrleansInference.Api.Http;

namespace OrleansInference.Api.Experiments;

/// <summary>
/// Reads a JSON body of the experiment endpoints; malformed JSON is a 400 naming the field. The body is held to
/// <c>Api:MaxJsonBodyBytes</c> while it streams (<see cref="RequestBodyLimitMiddleware"/>): past it, 413.
/// </summary>
internal static class ExperimentBody
{
    public static async Task<(T? Value, IResult? Error)> ReadAsync<T>(HttpRequest request, bool required, CancellationToken cancellationToken)
        where T : class
    {
        if (request.ContentLength == 0 || (request.ContentLength is null && request.ContentType is null))
        {
            return required ? (null, Problems.BadRequest("The body is required (JSON).")) : (null, null);
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, ExperimentJson.Options, cancellationToken);
            return value is null && required ? (null, Problems.BadRequest("The body is required (JSON).")) : (value, null);
        }
        catch (JsonException ex)
        {
            if (!required && ex.LineNumber == 0 && ex.BytePositionInLine == 0)
            {
                return (null, null);
            }

            var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "the body" : $"'{ex.Path.TrimStart('$', '.')}'";
            return (null, Problems.BadRequest($"Invalid JSON at {field}: expected a value of the right type. {ex.Message}"));
        }
    }

    public static async Task<IResult> CallAsync(Func<Task<IResult>> call)
    {
        try
        {
            return await call();
        }
        catch (OrleansInference.Contracts.Experiments.ExperimentException ex)
        {
            return ex.Kind switch
            {
                OrleansInference.Contracts.Experiments.ExperimentErrorKind.NotFound => Problems.NotFound(ex.Message),
                OrleansInference.Contracts.Experiments.ExperimentErrorKind.Conflict => Problems.Conflict(ex.Message),
                _ => Problems.BadRequest(ex.Message),
            };
        }
    }
}
