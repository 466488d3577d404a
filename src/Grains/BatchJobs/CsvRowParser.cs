using System.Runtime.CompilerServices;
using System.Text;
using OrleansInference.Grid.Processing;

namespace OrleansInference.Grains.BatchJobs;

/// <summary>
/// CSV records against a header naming the features. Columns that are not features (an id, a label) are ignored; empty
/// fields and absent features take the model's default. Fields may be double-quoted; records do not span lines.
/// </summary>
public sealed class CsvRowParser : IBatchRowParser
{
    private readonly FeatureVectorizer _vectorizer;
    private readonly int[] _columnOf;
    private readonly string[] _names;

    private CsvRowParser(FeatureVectorizer vectorizer, int[] columnOf, string[] names)
    {
        _vectorizer = vectorizer;
        _columnOf = columnOf;
        _names = names;
    }

    /// <summary>Builds a parser for <paramref name="header"/>; null with <paramref name="error"/> when it names none of the model's features.</summary>
    public static CsvRowParser? Create(string header, FeatureVectorizer vectorizer, string model, out string? error)
    {
        var bytes = Encoding.UTF8.GetBytes(header);
        var names = Split(bytes).Select(r => Unquote(bytes, r)).ToArray();
        var columnOf = names.Select(vectorizer.ColumnOf).ToArray();
        var duplicate = names.Where(n => vectorizer.ColumnOf(n) >= 0).GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            error = $"The CSV header names feature '{duplicate.Key}' more than once.";
            return null;
        }

        if (columnOf.All(c => c < 0))
        {
            var expected = string.Join(", ", vectorizer.FeatureNames.Take(5).Select(n => $"'{n}'"));
            error = $"The CSV header names none of model '{model}''s features (for example {expected}); the first row must name the columns.";
            return null;
        }

        error = null;
        return new CsvRowParser(vectorizer, columnOf, names);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Runs for every record of a job: compiled fully optimized at once, so the first job after start-up does not
    /// spend its first million rows in the runtime's unoptimized and instrumented tiers.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public string? Parse(ReadOnlySpan<byte> line, Span<float> row)
    {
        Span<bool> present = stackalloc bool[_vectorizer.Columns];
        Span<Range> fields = stackalloc Range[_columnOf.Length + 1];
        var count = SplitInto(line, fields);
        if (count != _columnOf.Length)
        {
            return $"The record has {count} fields; the header has {_columnOf.Length}.";
        }

        for (var i = 0; i < count; i++)
        {
            var column = _columnOf[i];
            if (column < 0)
            {
                continue;
            }

            var field = Trim(line[fields[i]]);
            if (field.Length >= 2 && field[0] == (byte)'"' && field[^1] == (byte)'"')
            {
                field = Trim(field[1..^1]);
            }

            if (field.IsEmpty)
            {
                continue;
            }

            if (!DecimalFloatParser.TryParse(field, out var value) || !float.IsFinite(value))
            {
                return $"Field '{_names[i]}' is '{Encoding.UTF8.GetString(field)}', not a finite number.";
            }

            row[column] = value;
            present[column] = true;
        }

        var missing = _vectorizer.CompleteNamedRow(row, present);
        return missing is null ? null : $"Feature '{missing}' is missing and has no default.";
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int SplitInto(ReadOnlySpan<byte> line, Span<Range> fields)
    {
        // Jumps to the next comma or quote (vectorized); inside quotes, to the closing quote. A comma splits only outside quotes.
        var count = 0;
        var start = 0;
        var quoted = false;
        var i = 0;
        while (true)
        {
            var rest = line[i..];
            var next = quoted ? rest.IndexOf((byte)'"') : rest.IndexOfAny((byte)',', (byte)'"');
            if (next < 0)
            {
                if (count == fields.Length)
                {
                    return count + 1;
                }

                fields[count++] = new Range(start, line.Length);
                return count;
            }

            i += next;
            if (line[i] == (byte)'"')
            {
                quoted = !quoted;
            }
            else
            {
                if (count == fields.Length)
                {
                    return count + 1;
                }

                fields[count++] = new Range(start, i);
                start = i + 1;
            }

            i++;
        }
    }

    private static List<Range> Split(ReadOnlySpan<byte> line)
    {
        Span<Range> ranges = new Range[line.Length + 1];
        var count = SplitInto(line, ranges);
        return [.. ranges[..count]];
    }

    private static string Unquote(byte[] header, Range range)
    {
        var text = Encoding.UTF8.GetString(Trim(header.AsSpan()[range])).Trim();
        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"')
        {
            text = text[1..^1];
        }

        return text.Replace("\"\"", "\"", StringComparison.Ordinal);
    }

    /// <summary>Strips spaces, tabs and carriage returns from both ends (a plain loop: this runs for every field).</summary>
    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> span)
    {
        var start = 0;
        while (start < span.Length && IsBlank(span[start]))
        {
            start++;
        }

        var end = span.Length;
        while (end > start && IsBlank(span[end - 1]))
        {
            end--;
        }

        return span[start..end];
    }

    private static bool IsBlank(byte b) => b is (byte)' ' or (byte)'\r' or (byte)'\t';
}
