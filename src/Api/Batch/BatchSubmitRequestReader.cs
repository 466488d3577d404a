using OrleansInference.Contracts.BatchJobs;
using System.Buffers;
using System.Text.Json;
using OrleansInference.Api.Http;
using OrleansInference.Api.Predict;

namespace OrleansInference.Api.Batch;

/// <summary>
/// Reads the body of <c>POST /api/v1/batch</c>: <c>{model, version?, input_uri | inputs, output_uri?, format?, batch_size?,
/// callback_url?}</c>. Inline <c>inputs</c> are records (objects of named features) or rows (arrays of every feature in order).
/// The body is read in one forward pass and each record parsed on its own, so a large body never becomes one document
/// whose index is rented at the size of the body.
/// </summary>
internal static class BatchSubmitRequestReader
{
    /// <exception cref="PredictFormatException">The body is not valid JSON or a member has the wrong type (400).</exception>
    public static BatchJobSubmission Read(ReadOnlyMemory<byte> body, string? idempotencyKey)
    {
        string? model = null, version = null, inputUri = null, outputUri = null, format = null, callbackUrl = null;
        int? batchSize = null;
        List<byte[]>? inputs = null;
        var reader = new Utf8JsonReader(body.Span, new JsonReaderOptions { MaxDepth = 64 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new PredictFormatException("The body must be a JSON object.");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("model"u8))
                {
                    model = String(ref reader, "model");
                }
                else if (reader.ValueTextEquals("version"u8))
                {
                    version = String(ref reader, "version");
                }
                else if (reader.ValueTextEquals("input_uri"u8))
                {
                    inputUri = String(ref reader, "input_uri");
                }
                else if (reader.ValueTextEquals("output_uri"u8))
                {
                    outputUri = String(ref reader, "output_uri");
                }
                else if (reader.ValueTextEquals("format"u8))
                {
                    format = String(ref reader, "format");
                }
                else if (reader.ValueTextEquals("callback_url"u8))
                {
                    callbackUrl = String(ref reader, "callback_url");
                }
                else if (reader.ValueTextEquals("batch_size"u8))
                {
                    reader.Read();
                    batchSize = reader.TokenType == JsonTokenType.Null ? null
                        : reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var n) ? n
                        : throw new PredictFormatException("'batch_size' must be an integer.");
                }
                else if (reader.ValueTextEquals("inputs"u8))
                {
                    inputs = Inputs(ref reader, body);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            // The rest must be well-formed JSON too.
            while (reader.Read())
            {
            }
        }
        catch (JsonException ex)
        {
            throw new PredictFormatException($"The body is not valid JSON: {ex.Message}");
        }

        return new BatchJobSubmission(model, version, inputUri, inputs, outputUri, format, batchSize, callbackUrl, idempotencyKey);
    }

    private static string? String(ref Utf8JsonReader reader, string name)
    {
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.Null => null,
            JsonTokenType.String => JsonText.TryGetString(ref reader, out var text) ? text : throw new PredictFormatException(JsonText.NotText($"'{name}'")),
            JsonTokenType.Number when name == "version" => System.Text.Encoding.UTF8.GetString(reader.ValueSpan),
            _ => throw new PredictFormatException($"'{name}' must be a string."),
        };
    }

    private static List<byte[]>? Inputs(ref Utf8JsonReader reader, ReadOnlyMemory<byte> body)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new PredictFormatException("'inputs' must be an array of records (objects of named features) or rows (arrays of numbers).");
        }

        var records = new List<byte[]>();
        var buffer = new ArrayBufferWriter<byte>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            var end = (int)reader.BytesConsumed;
            using var item = JsonDocument.Parse(body[start..end]);
            if (!IsText(item.RootElement))
            {
                throw new PredictFormatException(JsonText.NotText($"A string in 'inputs[{records.Count}]'"));
            }

            buffer.ResetWrittenCount();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                if (item.RootElement.ValueKind == JsonValueKind.Array)
                {
                    writer.WriteStartObject();
                    writer.WritePropertyName("features"u8);
                    item.RootElement.WriteTo(writer);
                    writer.WriteEndObject();
                }
                else
                {
                    // Objects pass through compacted; anything else becomes a record the job rejects with a reason.
                    item.RootElement.WriteTo(writer);
                }
            }

            records.Add(buffer.WrittenSpan.ToArray());
        }

        return records;
    }

    // Records are re-encoded and later decoded by the job: a string that is not text is refused here, by index.
    private static bool IsText(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return JsonText.TryGetString(element, out _);
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (!IsText(item))
                    {
                        return false;
                    }
                }

                return true;
            case JsonValueKind.Object:
                try
                {
                    foreach (var property in element.EnumerateObject())
                    {
                        // Name decodes the property name: it throws, as GetString does, on text that is not Unicode.
                        if (property.Name.Length < 0 || !IsText(property.Value))
                        {
                            return false;
                        }
                    }
                }
                catch (InvalidOperationException)
                {
                    return false;
                }

                return true;
            default:
                return true;
        }
    }
}
