using System.Text.Json;

namespace OrleansInference.Grid.Processing;

/// <summary>Reading JSON numbers as floats through <see cref="DecimalFloatParser"/>'s exact fast path.</summary>
public static class JsonNumbers
{
    /// <summary>
    /// Reads the current token as a finite <see cref="float"/>: false when it is not a number or lies beyond the float
    /// range. The same value as <see cref="Utf8JsonReader.TryGetSingle"/>, at a fraction of its cost for plain decimals.
    /// </summary>
    public static bool TryGetFiniteSingle(this ref Utf8JsonReader reader, out float value)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            value = 0;
            return false;
        }

        var parsed = reader.HasValueSequence ? reader.TryGetSingle(out value) : DecimalFloatParser.TryParse(reader.ValueSpan, out value);
        return parsed && float.IsFinite(value);
    }
}
