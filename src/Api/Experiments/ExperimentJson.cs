using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansInference.Api.Experiments;

/// <summary>JSON of the experiment endpoints: snake_case names, enums as snake_case strings.</summary>
internal static class ExperimentJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,

        // Messages quote identifiers ('model'); an API answer, never embedded in HTML, so keep them readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static IResult Ok(object value) => Results.Json(value, Options);
}
