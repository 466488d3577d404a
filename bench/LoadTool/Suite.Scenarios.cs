using System.Net;

namespace OrleansInference.LoadTool;

/// <summary>The scenarios of a run, each interleaving the systems it compares so drift in the host hits both.</summary>
internal sealed partial class Suite
{
    private const string Grid = "grid";
    private const string Baseline = "kestrel-baseline";
    private const string GridGrainCall = "grid-grain-call";
    private static readonly int[] PredictConcurrency = [1, 8, 32, 64, 128];
    private static readonly int[] LargeConcurrency = [1, 4, 16];
    private static readonly int[] WideConcurrency = [4, 16, 64, 128];

    private async Task WarmUpAsync(ServerProcess grid, ServerProcess baseline, Dictionary<string, RequestSpec> requests)
    {
        Log("Warm-up (tiered JIT reaches full speed after some seconds of load) ...");
        await LoadRunner.ClosedLoopAsync(requests[PredictScenario].For(Grid, grid.Endpoint), 16, _options.Seconds(15));
        await LoadRunner.ClosedLoopAsync(requests[PredictScenario].For(Baseline, baseline.Endpoint), 16, _options.Seconds(10));
        foreach (var name in new[] { V2JsonScenario, V2BinaryScenario })
        {
            await LoadRunner.ClosedLoopAsync(requests[name].For(Grid, grid.Endpoint), 4, _options.Seconds(3));
            await LoadRunner.ClosedLoopAsync(requests[name].For(Baseline, baseline.Endpoint), 4, _options.Seconds(3));
        }

        await LoadRunner.ClosedLoopAsync(requests[BenchRepository.WideName(_options.BatchedSize)].For(Grid, grid.Endpoint), 64, _options.Seconds(4));
        await LoadRunner.ClosedLoopAsync(requests[BenchRepository.WideName(1)].For(Grid, grid.Endpoint), 4, _options.Seconds(2));
    }

    private async Task<ScenarioResult> RunPredictScenarioAsync(
        ServerProcess grid, ServerProcess baseline, ServerProcess gridGrainCall, Dictionary<string, RequestSpec> requests)
    {
        Log("Scenario predict-single: breast-cancer v2 MLP, one row of 30 features, POST /api/v1/predict ...");
        var spec = requests[PredictScenario];
        var runs = new List<LoadRunResult>();
        foreach (var concurrency in PredictConcurrency)
        {
            runs.Add(await ClosedAsync(grid, spec.For(Grid, grid.Endpoint), concurrency, _options.Seconds(4)));
            runs.Add(await ClosedAsync(baseline, spec.For(Baseline, baseline.Endpoint), concurrency, _options.Seconds(4)));
            runs.Add(await ClosedAsync(gridGrainCall, spec.For(GridGrainCall, gridGrainCall.Endpoint), concurrency, _options.Seconds(4)));
        }

        var gridPeak = runs.Where(r => r.System == Grid).Max(r => r.Throughput);
        runs.Add(await OpenAsync(grid, spec.For(Grid, grid.Endpoint), LowLoadRate, _options.Seconds(5), 4, "open low load"));
        runs.Add(await OpenAsync(baseline, spec.For(Baseline, baseline.Endpoint), LowLoadRate, _options.Seconds(5), 4, "open low load"));
        runs.Add(await OpenAsync(grid, spec.For(Grid, grid.Endpoint), 0.8 * gridPeak, _options.Seconds(8), 64, "open 80% of grid peak"));
        runs.Add(await OpenAsync(baseline, spec.For(Baseline, baseline.Endpoint), 0.8 * gridPeak, _options.Seconds(8), 64, "open 80% of grid peak"));
        return AddScenario(PredictScenario, "breast-cancer v2 (30-16-2 MLP), one row of 30 raw features as a JSON array, POST /api/v1/predict", spec, runs);
    }

    private async Task RunLargeTensorScenariosAsync(ServerProcess grid, ServerProcess baseline, Dictionary<string, RequestSpec> requests)
    {
        foreach (var (name, description) in new[]
        {
            (V2JsonScenario, $"digits (64-256-256-10 MLP), KServe v2 JSON body, FP32 input [{LargeRows},64], JSON output [{LargeRows},10]"),
            (V2BinaryScenario, $"digits (64-256-256-10 MLP), KServe v2 binary tensor extension, FP32 input [{LargeRows},64], binary output [{LargeRows},10]"),
        })
        {
            Log($"Scenario {name} ...");
            var spec = requests[name];
            var runs = new List<LoadRunResult>();
            foreach (var concurrency in LargeConcurrency)
            {
                runs.Add(await ClosedAsync(grid, spec.For(Grid, grid.Endpoint), concurrency, _options.Seconds(3)));
                runs.Add(await ClosedAsync(baseline, spec.For(Baseline, baseline.Endpoint), concurrency, _options.Seconds(3)));
            }

            AddScenario(name, description, spec, runs);
        }
    }

    private async Task<ScenarioResult> RunWideScenarioAsync(ServerProcess grid, Dictionary<string, RequestSpec> requests)
    {
        var batchedName = BenchRepository.WideName(_options.BatchedSize);
        var unbatchedName = BenchRepository.WideName(1);
        Log($"Scenario {WideScenario}: 64-{_options.WideHidden}-{_options.WideHidden}-10 MLP, single-row predict, {batchedName} vs {unbatchedName} ...");
        var runs = new List<LoadRunResult>();
        foreach (var concurrency in WideConcurrency)
        {
            runs.Add(await ClosedAsync(grid, requests[batchedName].For($"grid {batchedName}", grid.Endpoint), concurrency, _options.Seconds(4)));
            runs.Add(await ClosedAsync(grid, requests[unbatchedName].For($"grid {unbatchedName}", grid.Endpoint), concurrency, _options.Seconds(4)));
        }

        var batchedPeak = PeakWithin(runs, $"grid {batchedName}", 100);
        if (batchedPeak is not null)
        {
            runs.Add(await OpenAsync(grid, requests[batchedName].For($"grid {batchedName}", grid.Endpoint), 0.8 * batchedPeak.Throughput, _options.Seconds(8), 128, "open 80% of peak"));
        }

        return AddScenario(WideScenario,
            $"generated MLP 64-{_options.WideHidden}-{_options.WideHidden}-10 (random weights), one row per POST /api/v1/predict; the same model served as {batchedName} (dynamic batching, max_queue_delay_us {_options.MaxQueueDelayUs}) and {unbatchedName}",
            requests[batchedName], runs);
    }

    private async Task<List<BatchCurvePoint>> RunBatchCurveAsync(ServerProcess grid, Dictionary<string, RequestSpec> requests, string wideModelPath)
    {
        Log("Batch-size curve: at each max_batch_size, raw ORT at that batch, then the wide MLP in the grid (closed loop, concurrency 2x the batch size) ...");
        var sessions = new OnnxRuntime.OnnxSessionFactory();
        var points = new List<BatchCurvePoint>();
        foreach (var batch in _options.BatchSizes)
        {
            // Measured next to its grid point: this model is memory-bound, and the shared host's bandwidth drifts.
            var raw = RawOrtBenchmark.Run(sessions, "wide", wideModelPath, BenchRepository.WideColumns, BenchRepository.WideClasses, [batch], _options.Seconds(1.5), _options.Provider)[0];
            var concurrency = Math.Max(2, 2 * batch);
            var run = await ClosedAsync(grid, requests[BenchRepository.WideName(batch)].For($"grid {BenchRepository.WideName(batch)}", grid.Endpoint), concurrency, _options.Seconds(3));
            Log($"  raw ORT batch {batch}: {raw.RowsPerSecond:N0} rows/s, run p50 {raw.Latency.P50Ms:0.000} ms");
            points.Add(new BatchCurvePoint(batch, raw.RowsPerSecond, raw.Latency.P50Ms, run.Throughput, run.Latency.P50Ms, run.Latency.P99Ms, concurrency));
        }

        return points;
    }

    private async Task<LoadRunResult> ClosedAsync(ServerProcess server, LoadTarget target, int concurrency, TimeSpan duration)
    {
        var before = await server.GetGcAsync();
        var run = await LoadRunner.ClosedLoopAsync(target, concurrency, duration);
        return Report(WithServerCost(run, before, await server.GetGcAsync()));
    }

    /// <summary>An open-loop run whose first <see cref="OpenLoopWarmupSeconds"/> settle at the rate unrecorded.</summary>
    private async Task<LoadRunResult> OpenAsync(ServerProcess server, LoadTarget target, double rate, TimeSpan duration, int connections, string mode)
    {
        var before = await server.GetGcAsync();
        var run = await LoadRunner.OpenLoopAsync(target, rate, duration, connections, _options.Seconds(OpenLoopWarmupSeconds)) with { Mode = mode };
        return Report(WithServerCost(run, before, await server.GetGcAsync()));
    }

    /// <summary>The server's allocation and CPU between two snapshots, per request it answered (warm-up included).</summary>
    private static LoadRunResult WithServerCost(LoadRunResult run, GcSnapshot before, GcSnapshot after)
    {
        var answered = run.Completed + run.WarmupCompleted;
        return run with
        {
            ServerBytesPerRequest = answered == 0 ? null : (after.AllocatedBytes - before.AllocatedBytes) / (double)answered,
            ServerCpuUsPerRequest = answered == 0 ? null : (after.CpuMs - before.CpuMs) * 1000 / answered,
        };
    }

    private ScenarioResult AddScenario(string name, string description, RequestSpec spec, List<LoadRunResult> runs)
    {
        var scenario = new ScenarioResult(name, description, spec.Body.Length, runs);
        _scenarios.Add(scenario);
        return scenario;
    }

    internal static LoadRunResult? PeakWithin(IEnumerable<LoadRunResult> runs, string system, double p99LimitMs) =>
        runs.Where(r => r.System == system && r.Mode == "closed" && r.Errors == 0 && r.Latency.P99Ms <= p99LimitMs)
            .MaxBy(r => r.Throughput);

    private static LoadRunResult Report(LoadRunResult run)
    {
        Log($"  {run.System,-18} {run.Mode,-22} c={run.Concurrency,-4} {run.Throughput,9:N0} req/s  p50 {run.Latency.P50Ms,7:0.000} p99 {run.Latency.P99Ms,8:0.000} p99.9 {run.Latency.P999Ms,8:0.000} ms" +
            (run.Errors > 0 ? $"  errors {run.Errors}" : string.Empty) +
            (run.ServerBytesPerRequest is { } bytes ? $"  server alloc {bytes:N0} B/req" : string.Empty) +
            (run.ServerCpuUsPerRequest is { } cpu ? $"  server CPU {cpu:0.0} µs/req" : string.Empty) +
            (run.OfferedRate > 0 ? $"  send lag p99 {run.DispatchLagP99Ms:0.000} ms" : string.Empty) +
            (run.GeneratorCpuPercent is { } client ? $"  client CPU {client:0}%" : string.Empty));
        return run;
    }

    private static async Task SaveConstantResponsesAsync(IPEndPoint grid, Dictionary<string, RequestSpec> requests, string directory)
    {
        Directory.CreateDirectory(directory);
        using var client = new HttpClient { BaseAddress = new Uri($"http://{grid}/") };
        foreach (var (name, file) in new[] { (PredictScenario, "predict"), (V2JsonScenario, "v2-json"), (V2BinaryScenario, "v2-binary") })
        {
            using var response = await client.SendAsync(requests[name].ToMessage());
            var body = await response.Content.ReadAsByteArrayAsync();
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"The grid answered {(int)response.StatusCode} to the {name} request: {System.Text.Encoding.UTF8.GetString(body)}");
            }

            var headerLength = response.Headers.TryGetValues("Inference-Header-Content-Length", out var values) ? values.First() : string.Empty;
            await File.WriteAllBytesAsync(Path.Combine(directory, file), body);
            await File.WriteAllLinesAsync(Path.Combine(directory, file + ".meta"), [response.Content.Headers.ContentType?.ToString() ?? "application/json", headerLength]);
        }
    }
}
