using System.Globalization;
using System.Text;

namespace OrleansInference.BatchBenchmark;

/// <summary>
/// Writes an N-row CSV of breast-cancer features: a header of the 30 feature names, then rows sampled from
/// <c>data/breast_cancer.csv</c> with up to ±1% multiplicative jitter per value (seeded, so runs are repeatable).
/// </summary>
internal static class FeatureCsvGenerator
{
    public static void Write(string sourceCsv, IReadOnlyList<string> featureNames, string path, int rows, int seed = 42)
    {
        var source = File.ReadLines(sourceCsv).Skip(1).Where(l => l.Length > 0)
            .Select(l => l.Split(',').Take(featureNames.Count).Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray())
            .ToArray();
        var random = new Random(seed);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 20);
        writer.Write(string.Join(',', featureNames));
        writer.Write('\n');
        Span<char> number = stackalloc char[32];
        for (var r = 0; r < rows; r++)
        {
            var row = source[random.Next(source.Length)];
            for (var c = 0; c < row.Length; c++)
            {
                if (c > 0)
                {
                    writer.Write(',');
                }

                var value = row[c] * (1f + ((float)random.NextDouble() - 0.5f) * 0.02f);
                value.TryFormat(number, out var written, "G6", CultureInfo.InvariantCulture);
                writer.Write(number[..written]);
            }

            writer.Write('\n');
        }
    }
}
