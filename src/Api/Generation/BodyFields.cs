using System.Text.Json;

namespace OrleansInference.Api.Generation;

/// <summary>The problem with one field of a request body, named in the message; answered 400.</summary>
internal sealed class BodyFieldException(string message) : Exception(message);

/// <summary>
/// Typed reads of a JSON request body's top-level fields, each refusing a wrong type or range with a message that names
/// the field and what was expected. Unknown fields are ignored (OpenAI clients send fields this server does not use).
/// </summary>
internal readonly struct BodyFields
{
    private readonly JsonElement _root;

    private BodyFields(JsonElement root) => _root = root;

    /// <summary>Parses <paramref name="body"/>; it must be one JSON object.</summary>
    public static JsonDocument Parse(ReadOnlyMemory<byte> body, out BodyFields fields)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException ex)
        {
            throw new BodyFieldException($"The body is not valid JSON: {ex.Message}");
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new BodyFieldException("The body must be a JSON object.");
        }

        fields = new BodyFields(document.RootElement);
        return document;
    }

    public bool Has(string name) => _root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    public JsonElement Get(string name) => _root.TryGetProperty(name, out var value) ? value : default;

    public string RequiredString(string name, string what)
    {
        if (!_root.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 } text)
        {
            throw new BodyFieldException($"'{name}' is required: {what}.");
        }

        return text;
    }

    public string? OptionalString(string name)
    {
        if (!_root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw new BodyFieldException($"'{name}' must be a string.");
    }

    public int Int(string name, int defaultValue, int min, int max)
    {
        if (!_root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return defaultValue;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number) || number < min || number > max)
        {
            throw new BodyFieldException($"'{name}' must be an integer from {min} to {max}.");
        }

        return number;
    }

    public long? OptionalLong(string name)
    {
        if (!_root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)
            ? number
            : throw new BodyFieldException($"'{name}' must be an integer (64-bit).");
    }

    public float Number(string name, float defaultValue, float min, float max)
    {
        if (!_root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return defaultValue;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || number < min || number > max)
        {
            throw new BodyFieldException($"'{name}' must be a number from {min} to {max}.");
        }

        return (float)number;
    }

    public bool Bool(string name, bool defaultValue)
    {
        if (!_root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return defaultValue;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new BodyFieldException($"'{name}' must be true or false."),
        };
    }

    /// <summary>A string or a list of strings (OpenAI's <c>stop</c>, <c>input</c>); null when absent.</summary>
    public IReadOnlyList<string>? Strings(string name, int maxCount)
    {
        if (!_root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return [value.GetString()!];
        }

        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() > maxCount)
        {
            throw new BodyFieldException($"'{name}' must be a string or a list of at most {maxCount} strings.");
        }

        var list = new List<string>(value.GetArrayLength());
        foreach (var item in value.EnumerateArray())
        {
            list.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw new BodyFieldException($"'{name}' must hold only strings."));
        }

        return list;
    }
}
