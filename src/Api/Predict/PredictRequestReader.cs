using System.Buffers;
using System.Text.Json;
using OrleansInference.Api.Http;
using OrleansInference.Grid.Processing;

namespace OrleansInference.Api.Predict;

/// <summary>
/// Reads <c>POST /api/v1/predict</c> bodies with <see cref="Utf8JsonReader"/>:
/// <c>{"model", "version"?, "user_id"?, "features" | "input"}</c> where the features are one row (an array of numbers
/// or an object of named values) or a list of rows. Rows are written straight into a pooled float buffer.
/// </summary>
internal static class PredictRequestReader
{
    /// <summary>Most rows accepted in one request.</summary>
    public const int MaxRows = 10_000;

    /// <summary>Reads the routing fields and checks that features are present; the features are left for <see cref="ReadFeatures(ReadOnlySpan{byte}, FeatureVectorizer, out float[])"/>.</summary>
    public static PredictEnvelope ReadEnvelope(ReadOnlySpan<byte> body) => ReadEnvelope(body, parseNumbers: false, out _);

    /// <summary>
    /// Reads the routing fields and checks that features are present, in one pass over the body. Features given as
    /// numbers (one row, or rows of one width) are parsed on the way into <paramref name="parsed"/> (rented from the
    /// shared pool: pass it to <see cref="ReadFeatures(ReadOnlySpan{byte}, in PredictEnvelope, ref float[], FeatureVectorizer, out float[])"/>,
    /// or return it); anything else is left for that call, which knows the model's columns. Throws
    /// <see cref="PredictFormatException"/>.
    /// </summary>
    public static PredictEnvelope ReadEnvelope(ReadOnlySpan<byte> body, out float[]? parsed) => ReadEnvelope(body, parseNumbers: true, out parsed);

    private static PredictEnvelope ReadEnvelope(ReadOnlySpan<byte> body, bool parseNumbers, out float[]? parsed)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 16 });
        string? model = null, version = null, userId = null;
        var hasFeatures = false;
        parsed = null;
        int parsedRows = 0, parsedWidth = 0;
        var parsedSingle = false;
        try
        {
            Expect(ref reader, reader.Read() && reader.TokenType == JsonTokenType.StartObject, "The body must be a JSON object.");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("model"u8))
                {
                    model = ReadString(ref reader, "model");
                }
                else if (reader.ValueTextEquals("version"u8))
                {
                    version = ReadVersion(ref reader);
                }
                else if (reader.ValueTextEquals("user_id"u8))
                {
                    userId = ReadString(ref reader, "user_id");
                }
                else if (reader.ValueTextEquals("features"u8) || reader.ValueTextEquals("input"u8))
                {
                    Expect(ref reader, !hasFeatures, "Give either 'features' or 'input', not both.");
                    hasFeatures = true;
                    reader.Read();
                    var start = reader;
                    if (!parseNumbers || !TryReadNumericRows(ref reader, ref parsed, out parsedRows, out parsedWidth, out parsedSingle))
                    {
                        Release(ref parsed);
                        (parsedRows, parsedWidth, parsedSingle) = (0, 0, false);
                        reader = start;
                        reader.Skip();
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException ex)
        {
            Release(ref parsed);
            throw PredictFormatException.Malformed(ex, reader.TokenStartIndex);
        }
        catch (PredictFormatException)
        {
            Release(ref parsed);
            throw;
        }

        return new PredictEnvelope(model, version, userId, hasFeatures, parsedRows, parsedWidth, parsedSingle);
    }

    /// <summary>
    /// The features for <paramref name="vectorizer"/>: the rows <see cref="ReadEnvelope(ReadOnlySpan{byte}, out float[])"/> parsed when their width is
    /// the model's (taking <paramref name="parsed"/> over), otherwise parsed again from the body against the model's
    /// columns and names, with errors that say which row and value are wrong. <paramref name="parsed"/> is null after.
    /// </summary>
    public static (int RowCount, bool SingleRow) ReadFeatures(
        ReadOnlySpan<byte> body, in PredictEnvelope envelope, ref float[]? parsed, FeatureVectorizer vectorizer, out float[] rows)
    {
        if (parsed is not null && envelope.ParsedWidth == vectorizer.Columns)
        {
            rows = parsed;
            parsed = null;
            return (envelope.ParsedRows, envelope.ParsedSingleRow);
        }

        Release(ref parsed);
        return ReadFeatures(body, vectorizer, out rows);
    }

    private static void Release(ref float[]? parsed)
    {
        if (parsed is not null)
        {
            ArrayPool<float>.Shared.Return(parsed);
            parsed = null;
        }
    }

    /// <summary>
    /// Parses <c>[n, ...]</c> or <c>[[n, ...], ...]</c> with rows of one width and finite numbers only, leaving the
    /// reader on the value's last token as <see cref="Utf8JsonReader.Skip"/> would. False for any other shape; the
    /// caller then rewinds and leaves the value to the model-aware parser.
    /// </summary>
    private static bool TryReadNumericRows(ref Utf8JsonReader reader, ref float[]? buffer, out int rows, out int width, out bool single)
    {
        rows = 0;
        width = 0;
        single = false;
        if (reader.TokenType != JsonTokenType.StartArray || !reader.Read())
        {
            return false;
        }

        var count = 0;
        if (reader.TokenType == JsonTokenType.Number)
        {
            if (!TryReadNumbers(ref reader, ref buffer, ref count))
            {
                return false;
            }

            (rows, width, single) = (1, count, true);
            return true;
        }

        while (reader.TokenType == JsonTokenType.StartArray)
        {
            if (rows == MaxRows || !reader.Read() || reader.TokenType != JsonTokenType.Number)
            {
                return false;
            }

            var before = count;
            if (!TryReadNumbers(ref reader, ref buffer, ref count) || (rows > 0 && count - before != width))
            {
                return false;
            }

            width = count - before;
            rows++;
            reader.Read();
        }

        return rows > 0 && reader.TokenType == JsonTokenType.EndArray;
    }

    /// <summary>Appends numbers from the current token to the closing bracket; false at anything but a finite number.</summary>
    private static bool TryReadNumbers(ref Utf8JsonReader reader, ref float[]? buffer, ref int count)
    {
        do
        {
            if (!reader.TryGetFiniteSingle(out var value))
            {
                return false;
            }

            buffer ??= ArrayPool<float>.Shared.Rent(64);
            if (count == buffer.Length)
            {
                var larger = ArrayPool<float>.Shared.Rent(buffer.Length * 2);
                buffer.AsSpan(0, count).CopyTo(larger);
                ArrayPool<float>.Shared.Return(buffer);
                buffer = larger;
            }

            buffer[count++] = value;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.Number);

        return reader.TokenType == JsonTokenType.EndArray;
    }

    /// <summary>
    /// Parses the features into <paramref name="rows"/> (rented from the shared pool; the caller returns it) as raw,
    /// unstandardized values. Returns the row count and whether the request was a single row.
    /// </summary>
    public static (int RowCount, bool SingleRow) ReadFeatures(ReadOnlySpan<byte> body, FeatureVectorizer vectorizer, out float[] rows)
    {
        var columns = vectorizer.Columns;
        rows = ArrayPool<float>.Shared.Rent(Math.Max(columns, 1) * 4);
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 16 });
        try
        {
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("features"u8) || reader.ValueTextEquals("input"u8))
                {
                    reader.Read();
                    return ReadRows(ref reader, vectorizer, ref rows);
                }

                reader.Read();
                reader.Skip();
            }
        }
        catch (JsonException ex)
        {
            ArrayPool<float>.Shared.Return(rows);
            throw PredictFormatException.Malformed(ex, reader.TokenStartIndex);
        }
        catch (PredictFormatException)
        {
            ArrayPool<float>.Shared.Return(rows);
            throw;
        }

        ArrayPool<float>.Shared.Return(rows);
        throw new PredictFormatException("The body has no 'features' (or 'input'): give one row or a list of rows.");
    }

    private static (int RowCount, bool SingleRow) ReadRows(ref Utf8JsonReader reader, FeatureVectorizer vectorizer, ref float[] rows)
    {
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            ReadNamedRow(ref reader, vectorizer, rows.AsSpan(0, vectorizer.Columns), 0);
            return (1, true);
        }

        Expect(ref reader, reader.TokenType == JsonTokenType.StartArray, "'features' must be an array of numbers, an object of named features, or a list of either.");
        var start = reader;
        reader.Read();
        if (reader.TokenType is JsonTokenType.Number or JsonTokenType.Null or JsonTokenType.EndArray)
        {
            reader = start;
            ReadArrayRow(ref reader, vectorizer.Columns, rows.AsSpan(0, vectorizer.Columns), 0);
            return (1, true);
        }

        var count = 0;
        while (reader.TokenType != JsonTokenType.EndArray)
        {
            if (count == MaxRows)
            {
                throw new PredictFormatException($"A request may hold at most {MaxRows} rows; send larger inputs as a batch job.");
            }

            var needed = (count + 1) * vectorizer.Columns;
            if (rows.Length < needed)
            {
                var larger = ArrayPool<float>.Shared.Rent(needed * 2);
                rows.AsSpan(0, count * vectorizer.Columns).CopyTo(larger);
                ArrayPool<float>.Shared.Return(rows);
                rows = larger;
            }

            var row = rows.AsSpan(count * vectorizer.Columns, vectorizer.Columns);
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                ReadNamedRow(ref reader, vectorizer, row, count);
            }
            else
            {
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw Fail(ref reader, $"Row {count} must be an array of numbers or an object of named features.");
                }

                ReadArrayRow(ref reader, vectorizer.Columns, row, count);
            }

            count++;
            reader.Read();
        }

        Expect(ref reader, count > 0, "'features' holds no rows.");
        return (count, false);
    }

    private static void ReadArrayRow(ref Utf8JsonReader reader, int columns, Span<float> row, int rowIndex)
    {
        var column = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (column >= columns)
            {
                SkipToEndOfArray(ref reader, ref column);
                break;
            }

            if (!ReadFinite(ref reader, out row[column]))
            {
                throw Fail(ref reader, $"Row {rowIndex}, value {column} must be a finite number.");
            }

            column++;
        }

        if (column != columns)
        {
            throw new PredictFormatException($"Row {rowIndex} has {column} values; the model expects {columns} features per row.");
        }
    }

    private static void SkipToEndOfArray(ref Utf8JsonReader reader, ref int column)
    {
        do
        {
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return;
            }

            column++;
            reader.Skip();
        }
        while (reader.Read());
    }

    private static void ReadNamedRow(ref Utf8JsonReader reader, FeatureVectorizer vectorizer, Span<float> row, int rowIndex)
    {
        if (vectorizer.FeatureNames.Count == 0)
        {
            throw new PredictFormatException("This model takes unnamed features: send each row as an array of numbers.");
        }

        Span<bool> present = stackalloc bool[vectorizer.Columns];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!JsonText.TryGetString(ref reader, out var name))
            {
                throw Fail(ref reader, JsonText.NotText($"A feature name in row {rowIndex}"));
            }

            var column = vectorizer.ColumnOf(name);
            if (column < 0)
            {
                throw new PredictFormatException(
                    $"Row {rowIndex} names unknown feature '{name}'; expected features: {string.Join(", ", vectorizer.FeatureNames)}.");
            }

            reader.Read();
            if (reader.TokenType == JsonTokenType.Null)
            {
                continue;
            }

            if (!ReadFinite(ref reader, out row[column]))
            {
                throw Fail(ref reader, $"Feature '{name}' in row {rowIndex} must be a finite number.");
            }

            present[column] = true;
        }

        if (vectorizer.CompleteNamedRow(row, present) is { } missing)
        {
            throw new PredictFormatException($"Row {rowIndex} is missing feature '{missing}', which has no default.");
        }
    }

    private static string ReadString(ref Utf8JsonReader reader, string field)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.String)
        {
            throw Fail(ref reader, $"'{field}' must be a string.");
        }

        return JsonText.TryGetString(ref reader, out var value) ? value : throw Fail(ref reader, JsonText.NotText($"'{field}'"));
    }

    private static string ReadVersion(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.String => JsonText.TryGetString(ref reader, out var text) ? text : throw new PredictFormatException(JsonText.NotText("'version'")),
            JsonTokenType.Number when reader.TryGetInt64(out var number) => number.ToString(System.Globalization.CultureInfo.InvariantCulture),
            JsonTokenType.Null => null!,
            _ => throw new PredictFormatException("'version' must be a string or an integer such as \"2\"."),
        };
    }

    /// <summary>Checks a condition whose message is a constant; messages that need formatting use <see cref="Fail"/> on the failure path only.</summary>
    private static void Expect(ref Utf8JsonReader reader, bool condition, string message)
    {
        if (!condition)
        {
            throw Fail(ref reader, message);
        }
    }

    private static PredictFormatException Fail(ref Utf8JsonReader reader, string message) =>
        new(message + $" (at byte {reader.TokenStartIndex})");

    private static bool ReadFinite(ref Utf8JsonReader reader, out float value)
    {
        return reader.TryGetFiniteSingle(out value);
    }
}
