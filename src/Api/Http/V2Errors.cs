using System.Text.Json;

namespace OrleansInference.Api.Http;

/// <summary>Writes the KServe v2 error body, <c>{"error": "message"}</c>.</summary>
internal static class V2Errors
{
    public static async Task WriteAsync(HttpResponse response, int status, string message, CancellationToken cancellationToken)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        var writer = new Utf8JsonWriter(response.BodyWriter);
        await using (writer.ConfigureAwait(false))
        {
            writer.WriteStartObject();
            writer.WriteString("error"u8, message);
            writer.WriteEndObject();
        }

        await response.BodyWriter.FlushAsync(cancellationToken);
    }
}
