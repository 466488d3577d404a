using System.Net;
using OrleansInference.OnnxRuntime;

namespace OrleansInference.LoadTool;

/// <summary>
/// The <c>all</c> run: raw ONNX Runtime (compute ceiling), a bare Kestrel endpoint (HTTP ceiling) and the grid,
/// side by side, over the same requests. Servers run as child processes pinned to core 0; the load generator and
/// raw ORT on core 1 (when the machine has two or more cores).
/// </summary>
internal sealed partial class Suite
{
    private const string PredictScenario = "predict-single";
    private const string V2JsonScenario = "v2-json-large";
    private const string V2BinaryScenario = "v2-binary-large";
    private const string WideScenario = "wide-batching";
    private const int LargeRows = 256;

    /// <summary>The rate of the low-load open-loop runs (and of raw ORT's spaced runs measured for comparison).</summary>
    private const double LowLoadRate = 200;

    /// <summary>
    /// Seconds each open-loop run spends at its rate before recording: the 64 connections it opens and the step
    /// from the previous load would otherwise put a one-off settling stall of a few hundred milliseconds (seen for
    /// both servers) into a p99 meant to describe the steady state.
    /// </summary>
    private const double OpenLoopWarmupSeconds = 2;

    private readonly SuiteOptions _options;
    private readonly string _repoRoot;
    private readonly string? _serverCpus;
    private readonly List<ScenarioResult> _scenarios = [];

    public Suite(SuiteOptions options)
    {
        _options = options;
        _repoRoot = options.RepositoryRoot ?? FindRepositoryRoot();
        _serverCpus = LoadToolProgram.MachineCores >= 2 && File.Exists("/usr/bin/taskset") ? "0" : null;
    }

    public async Task<int> RunAsync()
    {
        var started = DateTime.UtcNow;
        var repository = BenchRepository.Create(_repoRoot, _options.WideHidden, _options.BatchSizes, _options.MaxQueueDelayUs);
        Log($"Run folder {repository.Root}; servers on cpu {_serverCpus ?? "any"}, load generator on cpu {(_serverCpus is null ? "any" : "1")}.");

        try
        {
            await RunAsync(repository, started);
        }
        finally
        {
            // Copied and generated models are ~300 MB a run; the server logs of a failed run stay for the investigation.
            TryDelete(repository.ModelRoot);
        }

        TryDelete(repository.Root);
        return 0;
    }

    private async Task RunAsync(BenchRepository repository, DateTime started)
    {
        var raw = MeasureRawOrt(repository);
        if (_options.RawOnly)
        {
            return;
        }

        var gridArgs = new List<string>
        {
            $"--contentRoot={Path.Combine(_repoRoot, "src", "Api")}",
            $"--ModelRepository:RootPath={repository.ModelRoot}",
            $"--Registry:SqlitePath={Path.Combine(repository.Root, "registry.db")}",
            $"--OnnxRuntime:ExecutionProvider={_options.Provider}",
        };
        Log("Starting the grid (ApiHost in a child process) ...");
        await using var grid = await ServerProcess.StartAsync("serve-grid", gridArgs, _serverCpus, Path.Combine(repository.Root, "grid.log"), TimeSpan.FromMinutes(5));
        var requests = BuildRequests();
        await SaveConstantResponsesAsync(grid.Endpoint, requests, Path.Combine(repository.Root, "responses"));
        Log("Starting the baseline (bare Kestrel in a child process) ...");
        await using var baseline = await ServerProcess.StartAsync(
            "serve-baseline", ["--responses", Path.Combine(repository.Root, "responses")], _serverCpus, Path.Combine(repository.Root, "baseline.log"), TimeSpan.FromMinutes(1));

        Log("Starting the grid with a grain call per request (local shortcuts off) ...");
        await using var gridGrainCall = await ServerProcess.StartAsync(
            "serve-grid", [.. gridArgs, $"--Registry:SqlitePath={Path.Combine(repository.Root, "registry-grain-call.db")}", "--Models:LocalShortcuts=false"],
            _serverCpus, Path.Combine(repository.Root, "grid-grain-call.log"), TimeSpan.FromMinutes(5));
        await LoadRunner.ClosedLoopAsync(requests[PredictScenario].For(GridGrainCall, gridGrainCall.Endpoint), 16, _options.Seconds(15));

        await WarmUpAsync(grid, baseline, requests);
        var predict = await RunPredictScenarioAsync(grid, baseline, gridGrainCall, requests);
        await RunLargeTensorScenariosAsync(grid, baseline, requests);
        var wide = await RunWideScenarioAsync(grid, requests);
        var curve = await RunBatchCurveAsync(grid, requests, repository.WideModelPath);

        var targets = EvaluateTargets(raw, predict, wide);
        var results = new SuiteResults(
            started.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture),
            LoadToolProgram.DescribeMachine(),
            "child process (this tool re-run as `serve-grid`, ApiHost with the co-hosted silo), pinned to core 0; load generator on core 1; every pinned process runs with `DOTNET_TC_DelaySingleProcMultiplier=1` (the runtime's tier-up delay as on a multi-core machine, not stretched tenfold for a one-CPU process)",
            _options.Provider.ToString(),
            repository.WideHidden,
            raw,
            _scenarios,
            curve,
            targets);
        ReportWriter.Write(results, _options.OutputDirectory);
        Log($"Wrote {Path.Combine(_options.OutputDirectory, "load.md")}, load.json and batch-latency-throughput.svg.");
        foreach (var target in targets)
        {
            Log($"  {(target.Met ? "MET " : "MISS")} {target.Name}: {target.Value:0.###} {target.Unit} ({target.Goal})");
        }
    }

    private List<RawOrtResult> MeasureRawOrt(BenchRepository repository)
    {
        Log("Raw ONNX Runtime (in this process, one session, one intra-op thread) ...");
        var sessions = new OnnxSessionFactory();
        var period = _options.Seconds(1);
        var results = new List<RawOrtResult>();
        results.AddRange(RawOrtBenchmark.Run(sessions, "breast-cancer/2", Path.Combine(_repoRoot, "models", "breast-cancer", "2", "model.onnx"), 30, 2, [1, 8, 64], period, _options.Provider));
        results.Add(RawOrtBenchmark.RunSpaced(sessions, "breast-cancer/2", Path.Combine(_repoRoot, "models", "breast-cancer", "2", "model.onnx"), 30, 2, LowLoadRate, _options.Seconds(2), _options.Provider));
        results.AddRange(RawOrtBenchmark.Run(sessions, "digits/1", Path.Combine(_repoRoot, "models", "digits", "1", "model.onnx"), 64, 10, [1, LargeRows], period, _options.Provider));
        results.AddRange(RawOrtBenchmark.Run(sessions, "wide", repository.WideModelPath, BenchRepository.WideColumns, BenchRepository.WideClasses, _options.BatchSizes, period, _options.Provider));
        foreach (var r in results)
        {
            Log($"  {r.Model} batch {r.Batch}{(r.SpacingMs > 0 ? $", one run every {r.SpacingMs:0.#} ms" : string.Empty)}: p50 {r.Latency.P50Ms * 1000:0.0} µs per run, {r.RowsPerSecond:N0} rows/s");
        }

        return results;
    }

    private Dictionary<string, RequestSpec> BuildRequests()
    {
        var row = BenchRepository.SampleRows(_repoRoot, "breast-cancer", "2", 1);
        var pixels = BenchRepository.SampleRows(_repoRoot, "digits", "1", LargeRows);
        var (binary, headerLength) = BenchRepository.V2BinaryBody("pixels", "probabilities", LargeRows, 64, pixels);
        var requests = new Dictionary<string, RequestSpec>
        {
            [PredictScenario] = new("/api/v1/predict", "application/json", BenchRepository.PredictBody("breast-cancer", "2", row), null),
            [V2JsonScenario] = new("/v2/models/digits/infer", "application/json", BenchRepository.V2JsonBody("pixels", LargeRows, 64, pixels), null),
            [V2BinaryScenario] = new("/v2/models/digits/infer", "application/octet-stream", binary, headerLength),
        };
        var wideRow = BenchRepository.SampleRows(_repoRoot, "digits", "1", 1);
        foreach (var batch in _options.BatchSizes.Append(1).Append(_options.BatchedSize).Distinct())
        {
            var name = BenchRepository.WideName(batch);
            requests[name] = new("/api/v1/predict", "application/json", BenchRepository.PredictBody(name, null, wideRow), null);
        }

        return requests;
    }


    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(Directory.GetCurrentDirectory()); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "OrleansInference.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Run from inside the repository (OrleansInference.sln not found above the working folder), or pass --repo.");
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    internal static void Log(string message) =>
        Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {message}");
}
