using System.Diagnostics;

namespace OrleansInference.LoadTool;

/// <summary>
/// <c>all [--out DIR] [--quick | --time-scale X] [--provider cpu|cuda] [--wide-hidden N]</c>: the full comparison.
/// <c>serve-grid</c> / <c>serve-baseline</c>: the child-process servers the run starts.
/// </summary>
internal static class LoadToolProgram
{
    public const string PinnedVariable = "ORLEANSINFERENCE_LOADTOOL_PINNED";

    /// <summary>
    /// Set on every process the tool pins to one core. The runtime stretches its tier-up delay tenfold in a process that
    /// sees a single CPU (100 ms becomes 1 s, restarted by every new method compiled), so a pinned server that keeps
    /// meeting new code runs unoptimized for tens of seconds. With the multiplier at 1 a pinned process tiers up as it
    /// would with its machine's cores; the same setting ships in the container image for one-CPU pods.
    /// </summary>
    public const string TieringVariable = "DOTNET_TC_DelaySingleProcMultiplier";
    public const string CoresVariable = "ORLEANSINFERENCE_LOADTOOL_CORES";
    public const string ListeningPrefix = "LISTENING ";

    /// <summary>Cores of the machine (before this process was pinned).</summary>
    public static int MachineCores =>
        int.TryParse(Environment.GetEnvironmentVariable(CoresVariable), out var cores) ? cores : Environment.ProcessorCount;

    public static async Task<int> Main(string[] args)
    {
        var command = args.Length > 0 ? args[0] : "help";
        var rest = args.Skip(1).ToArray();
        try
        {
            return command switch
            {
                "all" => await RunPinnedAsync(args) ?? await new Suite(SuiteOptions.Parse(rest)).RunAsync(),
                "report" => Report(rest),
                "probe" => await RunPinnedAsync(args) ?? await new Suite(new SuiteOptions()).ProbeAsync(rest),
                "generation" => await GenerationBenchmark.RunAsync(rest),
                "generation-client" => await RemoteGenerationBenchmark.RunAsync(rest),
                "serve-grid" => await ServerHosts.ServeGridAsync(rest),
                "serve-baseline" => await ServerHosts.ServeBaselineAsync(rest),
                _ => Usage(),
            };
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return 2;
        }
    }

    /// <summary><c>report --from load.json [--out DIR]</c>: rewrites load.md and the SVG from a run's JSON.</summary>
    private static int Report(string[] args)
    {
        var from = args.SkipWhile(a => a != "--from").Skip(1).FirstOrDefault() ?? throw new ArgumentException("report needs --from load.json.");
        var output = args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault() ?? Path.GetDirectoryName(Path.GetFullPath(from))!;
        var results = System.Text.Json.JsonSerializer.Deserialize(File.ReadAllText(from), LoadToolJsonContext.Default.SuiteResults)
            ?? throw new ArgumentException($"'{from}' holds no results.");
        ReportWriter.Write(results, output);
        Console.WriteLine($"Wrote {Path.Combine(output, "load.md")} from {from}.");
        return 0;
    }

    public static string DescribeMachine() =>
        $"{MachineCores} cores ({ReadCpuModel()}), {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}";

    /// <summary>
    /// On a machine with two or more cores, runs this command again under <c>taskset -c 1</c> (the servers get core 0)
    /// and returns its exit code; null when already pinned or pinning is not possible.
    /// </summary>
    private static async Task<int?> RunPinnedAsync(string[] args)
    {
        if (Environment.GetEnvironmentVariable(PinnedVariable) == "1" || Environment.ProcessorCount < 2 || !File.Exists("/usr/bin/taskset"))
        {
            return null;
        }

        var (fileName, prefix) = ServerProcess.SelfCommand();
        var start = new ProcessStartInfo("taskset") { UseShellExecute = false };
        foreach (var arg in new[] { "-c", "1", fileName }.Concat(prefix).Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment[PinnedVariable] = "1";
        start.Environment[TieringVariable] = "1";
        start.Environment[CoresVariable] = Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var child = Process.Start(start)!;
        await child.WaitForExitAsync();
        return child.ExitCode;
    }

    private static string ReadCpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        }
        catch (IOException)
        {
            return "unknown CPU";
        }
    }

    private static int Usage()
    {
        Console.WriteLine("""
            OrleansInference load tool: the grid against a bare Kestrel endpoint and raw ONNX Runtime, side by side.

              all [--out DIR] [--quick | --time-scale X] [--provider cpu|cuda] [--wide-hidden N] [--max-queue-delay-us N] [--repo DIR]
                  Runs every scenario (~5 minutes at --time-scale 1) and writes DIR/load.md, DIR/load.json and
                  DIR/batch-latency-throughput.svg. Traffic goes only to servers it starts on 127.0.0.1.
              report --from DIR/load.json [--out DIR]
                  Rewrites load.md and the SVG from a run's JSON (after changing the report, without measuring again).
              probe --request NAME [--system grid|baseline] [--c N,...] [--seconds S] [--warmup S] [--rate R]
                  One request against one server (predict-single, v2-json-large, v2-binary-large, wide-b{n}).
              generation [--out FILE] [--streams N] [--tokens N] [--rounds N]
                  Concurrent SSE streams on kjv-gpt with continuous batching and one sequence at a time;
                  writes docs/benchmarks/generation.md (time to first token, tokens/s per stream and in total).
              generation-client [--out FILE] [--streams N] [--tokens N] [--rounds N]
                  The same streams on the silo's own node and on an API node that hosts no silo, side by side.
              serve-grid [--Section:Key=value ...]   (internal) hosts the grid; prints "LISTENING <url>".
              serve-baseline --responses DIR        (internal) hosts the bare Kestrel endpoint.
            """);
        return 1;
    }
}
