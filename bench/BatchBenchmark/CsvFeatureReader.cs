using System.Globalization;
using OrleansInference.Grid.Processing;

namespace OrleansInference.BatchBenchmark;

/// <summary>Parses one chunk of feature CSV lines (every column a feature, in order) into a row-major float buffer.</summary>
internal static class CsvFeatureReader
{
    /// <summary>Parses every line of <paramref name="chunk"/> into <paramref name="features"/>; returns the rows parsed.</summary>
    /// <param name="chunk">Whole lines of the CSV.</param>
    /// <param name="columns">Fields per line, all features.</param>
    /// <param name="features">Receives the rows, row-major.</param>
    /// <param name="gridParser">Parse numbers with the grid's <see cref="DecimalFloatParser"/> instead of <c>float.TryParse</c>.</param>
    public static int Parse(ReadOnlySpan<byte> chunk, int columns, Span<float> features, bool gridParser = false)
    {
        var rows = 0;
        while (!chunk.IsEmpty)
        {
            var end = chunk.IndexOf((byte)'\n');
            var line = end < 0 ? chunk : chunk[..end];
            chunk = end < 0 ? default : chunk[(end + 1)..];
            if (line.IsEmpty)
            {
                continue;
            }

            var row = features.Slice(rows * columns, columns);
            for (var c = 0; c < columns; c++)
            {
                var comma = line.IndexOf((byte)',');
                var field = comma < 0 ? line : line[..comma];
                line = comma < 0 ? default : line[(comma + 1)..];
                var parsed = gridParser
                    ? DecimalFloatParser.TryParse(field, out row[c])
                    : float.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out row[c]);
                if (!parsed)
                {
                    throw new InvalidDataException($"Row {rows} of the chunk: field {c} is not a number.");
                }
            }

            rows++;
        }

        return rows;
    }
}
