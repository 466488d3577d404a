using OrleansInference.Contracts.BatchJobs;
using System.Buffers;
using System.Text.Json;
using OrleansInference.Api.Predict;

namespace OrleansInference.Api.Batch;

/// <summary>
/// Reads the body of <c>POST /api/v1/batch</c>: <c>{model, version?, input_uri | inputs, output_uri?, format?, batch_size?,
/// callback_url?}</c>. Inline <c>inputs</c> are records (objects of named features) or rows (arrays of every feature in order).
/// </summary>
internal static class BatchSubmitRequestReader
{
    /// <exception cref="PredictFormatException">The body is not valid JSON or a member has the wrong type (400).</exception>
    public static BatchJobSubmission Read(ReadOnlyMemory<byte> body, string? idempotencyKey)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            throw new PredictFormatException($"The body is not valid JSON: {ex.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new PredictFormatException("The body must be a JSON object.");
            }

            return new BatchJobSubmission(
                String(root, "model"),
                String(root, "version"),
                String(root, "input_uri"),
                Inputs(root),
                String(root, "output_uri"),
                String(root, "format"),
                Integer(root, "batch_size"),
                String(root, "callback_url"),
                idempotencyKey);
        }
    }

    private static string? String(JsonElement root, string name) =>
        !root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : value.ValueKind == JsonValueKind.Number && name == "version" ? value.GetRawText()
        : throw new PredictFormatException($"'{name}' must be a string.");

    private static int? Integer(JsonElement root, string name) =>
        !root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) ? n
        : throw new PredictFormatException($"'{name}' must be an integer.");

    private static List<byte[]>? Inputs(JsonElement root)
    {
        if (!root.TryGetProperty("inputs", out var inputs) || inputs.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (inputs.ValueKind != JsonValueKind.Array)
        {
            throw new PredictFormatException("'inputs' must be an array of records (objects of named features) or rows (arrays of numbers).");
        }

        var records = new List<byte[]>(inputs.GetArrayLength());
        var buffer = new ArrayBufferWriter<byte>();
        foreach (var item in inputs.EnumerateArray())
        {
            buffer.ResetWrittenCount();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                if (item.ValueKind == JsonValueKind.Array)
                {
                    writer.WriteStartObject();
                    writer.WritePropertyName("features"u8);
                    item.WriteTo(writer);
                    writer.WriteEndObject();
                }
                else
                {
                    // Objects pass through compacted; anything else becomes a record the job rejects with a reason.
                    item.WriteTo(writer);
                }
            }

            records.Add(buffer.WrittenSpan.ToArray());
        }

        return records;
    }
}
