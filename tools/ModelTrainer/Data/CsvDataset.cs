using System.Globalization;
using System.IO.Compression;

namespace OrleansInference.ModelTrainer.Data;

/// <summary>
/// Reads the scikit-learn style CSV data sets: numeric features followed by an integer label per
/// line, optionally preceded by a header <c>rows,features,classname...</c>. Files ending in
/// <c>.gz</c> are decompressed.
/// </summary>
public static class CsvDataset
{
    /// <summary>
    /// Loads <paramref name="path"/>. Class names come from the header; a file without one must
    /// pass <paramref name="classNames"/>.
    /// </summary>
    public static Dataset Load(string path, IReadOnlyList<string>? classNames = null)
    {
        var lines = ReadLines(path).Where(line => line.Length > 0).ToList();
        if (lines.Count == 0)
        {
            throw new InvalidDataException($"Data set '{path}' is empty.");
        }

        var header = TryParseHeader(lines[0]);
        var names = header?.ClassNames ?? classNames
            ?? throw new InvalidDataException($"Data set '{path}' has no header line and no class names were given.");
        var dataLines = header is null ? lines : lines.Skip(1).ToList();

        var features = new double[dataLines.Count][];
        var labels = new int[dataLines.Count];
        for (var row = 0; row < dataLines.Count; row++)
        {
            var fields = dataLines[row].Split(',');
            var featureCount = fields.Length - 1;
            if (header is not null && featureCount != header.FeatureCount)
            {
                throw new InvalidDataException(
                    $"Data set '{path}' row {row + 1}: expected {header.FeatureCount} features, got {featureCount}.");
            }

            features[row] = new double[featureCount];
            for (var j = 0; j < featureCount; j++)
            {
                features[row][j] = double.Parse(fields[j], NumberStyles.Float, CultureInfo.InvariantCulture);
            }

            var label = (int)double.Parse(fields[^1], NumberStyles.Float, CultureInfo.InvariantCulture);
            if (label < 0 || label >= names.Count)
            {
                throw new InvalidDataException($"Data set '{path}' row {row + 1}: label {label} is outside 0..{names.Count - 1}.");
            }

            labels[row] = label;
        }

        if (header is not null && header.RowCount != dataLines.Count)
        {
            throw new InvalidDataException($"Data set '{path}': header declares {header.RowCount} rows, file has {dataLines.Count}.");
        }

        return new Dataset(features, labels, names);
    }

    private static List<string> ReadLines(string path)
    {
        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(file, CompressionMode.Decompress)
            : file;
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line.Trim());
        }

        return lines;
    }

    private static CsvHeader? TryParseHeader(string line)
    {
        var fields = line.Split(',');
        if (fields.Length < 3
            || !int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var rows)
            || !int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var featureCount)
            || fields.Skip(2).Any(name => double.TryParse(name, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
        {
            return null;
        }

        return new CsvHeader(rows, featureCount, fields[2..]);
    }

    private sealed record CsvHeader(int RowCount, int FeatureCount, string[] ClassNames);
}
