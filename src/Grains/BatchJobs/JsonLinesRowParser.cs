using System.Text.Json;
using OrleansInference.Grid.Processing;

namespace OrleansInference.Grains.BatchJobs;

/// <summary>
/// JSON Lines records: an object of named features (<c>{"mean radius": 13.5, …}</c>), the same object under
/// <c>"features"</c>, or <c>{"features": [v0, v1, …]}</c> with every column in order. Other properties are ignored;
/// absent features take the model's default.
/// </summary>
public sealed class JsonLinesRowParser(FeatureVectorizer vectorizer) : IBatchRowParser
{
    private static readonly byte[] FeaturesProperty = "features"u8.ToArray();

    /// <inheritdoc />
    public string? Parse(ReadOnlySpan<byte> line, Span<float> row)
    {
        var present = new bool[vectorizer.Columns];
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return "The record is not a JSON object.";
            }

            var error = ReadObject(ref reader, row, present, allowFeatures: true);
            if (error is not null)
            {
                return error;
            }

            if (reader.Read())
            {
                return "The record has content after its JSON object.";
            }
        }
        catch (JsonException ex)
        {
            return $"The record is not valid JSON: {ex.Message}";
        }

        var missing = vectorizer.CompleteNamedRow(row, present);
        return missing is null ? null : $"Feature '{missing}' is missing and has no default.";
    }

    private string? ReadObject(ref Utf8JsonReader reader, Span<float> row, bool[] present, bool allowFeatures)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var isFeatures = allowFeatures && reader.ValueTextEquals(FeaturesProperty);
            var name = reader.GetString()!;
            reader.Read();
            if (isFeatures && reader.TokenType == JsonTokenType.StartObject)
            {
                var error = ReadObject(ref reader, row, present, allowFeatures: false);
                if (error is not null)
                {
                    return error;
                }

                continue;
            }

            if (isFeatures && reader.TokenType == JsonTokenType.StartArray)
            {
                var error = ReadArray(ref reader, row, present);
                if (error is not null)
                {
                    return error;
                }

                continue;
            }

            var column = vectorizer.ColumnOf(name);
            if (column < 0)
            {
                reader.Skip();
                continue;
            }

            if (reader.TokenType == JsonTokenType.Null)
            {
                continue;
            }

            if (!reader.TryGetFiniteSingle(out var value))
            {
                return $"Feature '{name}' is not a finite number.";
            }

            row[column] = value;
            present[column] = true;
        }

        return null;
    }

    private string? ReadArray(ref Utf8JsonReader reader, Span<float> row, bool[] present)
    {
        var i = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (i >= row.Length)
            {
                return $"'features' has more than {row.Length} values.";
            }

            if (!reader.TryGetFiniteSingle(out var value))
            {
                return $"'features'[{i}] is not a finite number.";
            }

            row[i] = value;
            present[i++] = true;
        }

        return i == row.Length ? null : $"'features' has {i} values; model rows have {row.Length}.";
    }
}
