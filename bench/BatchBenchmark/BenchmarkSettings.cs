using System.Globalization;

namespace OrleansInference.BatchBenchmark;

/// <summary>Command-line settings of one benchmark run.</summary>
internal sealed record BenchmarkSettings(
    int Rows, int ChunkRows, int Workers, bool EndToEndOnly, TimeSpan LatencyDuration, int RequestsPerSecond, string? OutputFolder, string RepositoryRoot)
{
    /// <summary>Rows above which only the end-to-end job runs unless <c>--mode full</c> is given.</summary>
    public const int FullModeMaxRows = 1_000_000;

    /// <summary>
    /// Parses <c>--rows N</c> (default 1,000,000), <c>--chunk-rows N</c> (default 10,000, the job default), <c>--workers N</c>
    /// (default 2, the job default), <c>--mode full|e2e</c> (default full up to 1,000,000 rows), <c>--latency-seconds S</c>
    /// (default 10), <c>--rps N</c> (default 200) and <c>--out FOLDER</c> (where the markdown and JSON go; none when absent).
    /// </summary>
    public static BenchmarkSettings Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"Expected '--name value' pairs; '{args[i]}' has no value.");
            }

            values[args[i][2..]] = args[++i];
        }

        int Int(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var rows = Int("rows", 1_000_000);
        var mode = values.GetValueOrDefault("mode", rows > FullModeMaxRows ? "e2e" : "full");
        if (mode is not ("full" or "e2e"))
        {
            throw new ArgumentException($"--mode is '{mode}'; expected 'full' or 'e2e'.");
        }

        return new BenchmarkSettings(
            rows,
            Int("chunk-rows", 10_000),
            Int("workers", 2),
            mode == "e2e",
            TimeSpan.FromSeconds(Int("latency-seconds", 10)),
            Int("rps", 200),
            values.GetValueOrDefault("out"),
            FindRepositoryRoot());
    }

    private static string FindRepositoryRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "OrleansInference.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException($"No OrleansInference.sln above {Environment.CurrentDirectory} or {AppContext.BaseDirectory}.");
    }
}
