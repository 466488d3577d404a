using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace OrleansInference.LoadTool;

/// <summary>
/// <c>generation [--out FILE] [--streams N] [--tokens N] [--rounds N]</c>: N concurrent SSE streams of
/// <c>POST /api/v1/generate</c> on the demo generative model (kjv-gpt), against the grid in a child process twice:
/// with continuous batching (every active sequence advances in one model run per step) and one sequence at a time
/// (<c>Generation:MaxActiveSequences=1</c>, the rest queued). Records time to first token, inter-token gaps, tokens/s per
/// stream and in total, and writes a Markdown report.
/// </summary>
internal static class GenerationBenchmark
{
    private const string Model = "kjv-gpt";

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        string Arg(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
        var output = Path.GetFullPath(Arg("--out", Path.Combine("docs", "benchmarks", "generation.md")));
        var streams = int.Parse(Arg("--streams", "32"), CultureInfo.InvariantCulture);
        var tokens = int.Parse(Arg("--tokens", "128"), CultureInfo.InvariantCulture);
        var rounds = int.Parse(Arg("--rounds", "3"), CultureInfo.InvariantCulture);
        var root = FindRepositoryRoot();
        var work = Path.Combine(Path.GetTempPath(), "oi-generation-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        var results = new List<(string Name, Measurement Single, Measurement Concurrent)>();
        try
        {
            foreach (var (name, active) in new[] { ("continuous batching (32 slots)", 32), ("one sequence at a time", 1) })
            {
                Console.WriteLine($"Starting the grid: {name} ...");
                await using var grid = await ServerProcess.StartAsync("serve-grid",
                [
                    $"--contentRoot={Path.Combine(root, "src", "Api")}",
                    $"--ModelRepository:RootPath={Path.Combine(root, "models")}",
                    $"--Registry:SqlitePath={Path.Combine(work, $"registry-{active}.db")}",
                    $"--Generation:MaxActiveSequences={active}",
                    "--Generation:MaxQueuedRequests=256",
                ], cpuList: null, Path.Combine(work, $"grid-{active}.log"), TimeSpan.FromMinutes(5));
                using var client = new HttpClient { BaseAddress = new Uri($"http://{grid.Endpoint}/"), Timeout = TimeSpan.FromMinutes(10) };
                await RoundAsync(client, 4, tokens); // warm-up
                var single = Measurement.Combine([.. await RepeatAsync(client, 1, tokens, rounds)]);
                var concurrent = Measurement.Combine([.. await RepeatAsync(client, streams, tokens, rounds)]);
                Console.WriteLine($"  1 stream: {single.Summary()}");
                Console.WriteLine($"  {streams} streams: {concurrent.Summary()}");
                results.Add((name, single, concurrent));
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        await File.WriteAllTextAsync(output, Report(results, streams, tokens, rounds));
        Console.WriteLine($"Wrote {output}");
        return 0;
    }

    private static async Task<List<Measurement>> RepeatAsync(HttpClient client, int streams, int tokens, int rounds)
    {
        var all = new List<Measurement>();
        for (var r = 0; r < rounds; r++)
        {
            all.Add(await RoundAsync(client, streams, tokens));
        }

        return all;
    }

    /// <summary>Starts <paramref name="streams"/> streams at once and reads each to its end.</summary>
    internal static async Task<Measurement> RoundAsync(HttpClient client, int streams, int tokens)
    {
        var started = Stopwatch.GetTimestamp();
        var perStream = await Task.WhenAll(Enumerable.Range(0, streams).Select(i => StreamAsync(client, i, tokens)));
        var wall = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return new Measurement([.. perStream.Select(s => s.FirstToken)], [.. perStream.SelectMany(s => s.Gaps)],
            [.. perStream.Select(s => s.TokensPerSecond)], perStream.Sum(s => s.Tokens), wall);
    }

    private static async Task<(double FirstToken, double[] Gaps, double TokensPerSecond, int Tokens)> StreamAsync(HttpClient client, int seed, int tokens)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/generate")
        {
            Content = JsonContent.Create(new { model = Model, prompt = "And God said", max_tokens = tokens, temperature = 0.8, seed, stream = true }),
        };
        var sent = Stopwatch.GetTimestamp();
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var times = new List<long>(tokens);
        string? eventName = null;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                eventName = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && eventName == "token")
            {
                times.Add(Stopwatch.GetTimestamp());
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && eventName == "error")
            {
                throw new InvalidOperationException($"Generation failed: {line}");
            }
        }

        var first = Stopwatch.GetElapsedTime(sent, times[0]).TotalSeconds;
        var gaps = times.Zip(times.Skip(1), (a, b) => Stopwatch.GetElapsedTime(a, b).TotalSeconds).ToArray();
        var generating = Stopwatch.GetElapsedTime(times[0], times[^1]).TotalSeconds;
        return (first, gaps, generating > 0 ? (times.Count - 1) / generating : 0, times.Count);
    }

    private static string Report(List<(string Name, Measurement Single, Measurement Concurrent)> results, int streams, int tokens, int rounds)
    {
        var text = new StringBuilder();
        text.AppendLine("# Generation benchmark");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"`dotnet run --project bench/LoadTool -c Release -- generation` on {Environment.ProcessorCount} cores ({RuntimeNote()}), {DateTime.UtcNow:yyyy-MM-dd}.");
        text.AppendLine(CultureInfo.InvariantCulture, $"Model `kjv-gpt/1` (character GPT, 3 layers, width 128) on ONNX Runtime CPU, one session; prompt \"And God said\" (12 tokens), {tokens} tokens per stream, temperature 0.8, streamed as Server-Sent Events over loopback; {rounds} rounds per row, all streams of a round started at once. Each configuration is a fresh grid in a child process; the load generator runs in the parent.");
        text.AppendLine();
        text.AppendLine("| configuration | streams | first token p50 | first token p99 | inter-token p50 | inter-token p99 | tokens/s per stream (median) | tokens/s total |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (name, single, concurrent) in results)
        {
            text.AppendLine(Row(name, 1, single));
            text.AppendLine(Row(name, streams, concurrent));
        }

        var batched = results[0].Concurrent.TotalTokensPerSecond;
        var serial = results[^1].Concurrent.TotalTokensPerSecond;
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"With {streams} concurrent streams, continuous batching generates {batched / serial:F1}× the tokens per second of one sequence at a time, and its first-token p99 is {results[0].Concurrent.FirstTokenP99 * 1000:F0} ms against {results[^1].Concurrent.FirstTokenP99 * 1000:F0} ms.");
        text.AppendLine();
        text.AppendLine("Notes: times are taken by the client as events arrive, so tokens that arrive in one read show an inter-token gap near 0 (one sequence at a time sends its tokens faster than the client reads them). The first row of each configuration is a single stream alone, where the two configurations do the same work. The machine is shared with other work, so absolute figures vary between runs; the ratio is what the comparison shows.");
        return text.ToString();

        static string Row(string name, int streams, Measurement m) => string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {streams} | {m.FirstTokenP50 * 1000:F1} ms | {m.FirstTokenP99 * 1000:F1} ms | {m.GapP50 * 1000:F2} ms | {m.GapP99 * 1000:F2} ms | {m.StreamTokensPerSecondMedian:F0} | {m.TotalTokensPerSecond:F0} |");
    }

    internal static string RuntimeNote() => $".NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";

    internal static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(Directory.GetCurrentDirectory()); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "OrleansInference.sln")))
            {
                return directory.FullName;
            }
        }

        throw new ArgumentException("Run the generation benchmark from inside the repository.");
    }

    /// <summary>What one or more rounds measured.</summary>
    internal sealed record Measurement(double[] FirstTokens, double[] Gaps, double[] StreamTokensPerSecond, int Tokens, double WallSeconds)
    {
        public double FirstTokenP50 => Percentile(FirstTokens, 0.50);

        public double FirstTokenP99 => Percentile(FirstTokens, 0.99);

        public double GapP50 => Percentile(Gaps, 0.50);

        public double GapP99 => Percentile(Gaps, 0.99);

        public double StreamTokensPerSecondMedian => Percentile(StreamTokensPerSecond, 0.50);

        public double TotalTokensPerSecond => Tokens / WallSeconds;

        public static Measurement Combine(Measurement[] rounds) => new(
            [.. rounds.SelectMany(r => r.FirstTokens)], [.. rounds.SelectMany(r => r.Gaps)], [.. rounds.SelectMany(r => r.StreamTokensPerSecond)],
            rounds.Sum(r => r.Tokens), rounds.Sum(r => r.WallSeconds));

        public string Summary() => string.Create(CultureInfo.InvariantCulture,
            $"first token p50 {FirstTokenP50 * 1000:F1} ms p99 {FirstTokenP99 * 1000:F1} ms; {StreamTokensPerSecondMedian:F0} tokens/s per stream; {TotalTokensPerSecond:F0} tokens/s total");

        private static double Percentile(double[] values, double p)
        {
            if (values.Length == 0)
            {
                return 0;
            }

            var sorted = values.Order().ToArray();
            return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
        }
    }
}
