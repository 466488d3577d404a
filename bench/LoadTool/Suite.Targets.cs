namespace OrleansInference.LoadTool;

/// <summary>The targets, computed from the run's own figures.</summary>
internal sealed partial class Suite
{
    private List<TargetResult> EvaluateTargets(IReadOnlyList<RawOrtResult> raw, ScenarioResult predict, ScenarioResult wide)
    {
        var targets = new List<TargetResult>();
        var gridPeak = predict.Runs.Where(r => r.System == Grid && r.Mode == "closed").MaxBy(r => r.Throughput)!;
        var baselinePeak = predict.Runs.Where(r => r.System == Baseline && r.Mode == "closed").MaxBy(r => r.Throughput)!;
        var ratio = gridPeak.Throughput / baselinePeak.Throughput;
        targets.Add(new TargetResult("Single-row predict throughput vs bare Kestrel", ">= 70%", ratio * 100, "%", ratio >= 0.70,
            $"grid peak {gridPeak.Throughput:N0} req/s (c={gridPeak.Concurrency}) vs Kestrel baseline {baselinePeak.Throughput:N0} req/s (c={baselinePeak.Concurrency})"));

        var at80 = predict.Runs.First(r => r.System == Grid && r.Mode == "open 80% of grid peak");
        targets.Add(new TargetResult("Single-row predict p99 at 80% of grid peak (open loop)", "<= 50 ms", at80.Latency.P99Ms, "ms",
            at80.Latency.P99Ms <= 50 && at80.Errors == 0,
            $"{at80.OfferedRate:N0} req/s offered, {at80.Throughput:N0} req/s served, p50 {at80.Latency.P50Ms:0.000} ms, p99.9 {at80.Latency.P999Ms:0.000} ms, errors {at80.Errors}"));

        var low = predict.Runs.First(r => r.System == Grid && r.Mode == "open low load");
        var lowBaseline = predict.Runs.First(r => r.System == Baseline && r.Mode == "open low load");
        var rawBatch1 = raw.First(r => r.Model == "breast-cancer/2" && r.Batch == 1 && r.SpacingMs == 0);

        // Like for like: raw ORT at the low-load rate, its thread asleep between runs as the grid's is between requests.
        var rawSpaced = raw.FirstOrDefault(r => r.Model == "breast-cancer/2" && r.Batch == 1 && r.SpacingMs > 0) ?? rawBatch1;
        var overhead = low.Latency.P50Ms - rawSpaced.Latency.P50Ms;
        var closedOne = predict.Runs.First(r => r.System == Grid && r.Mode == "closed" && r.Concurrency == 1);
        var closedOneBaseline = predict.Runs.First(r => r.System == Baseline && r.Mode == "closed" && r.Concurrency == 1);
        targets.Add(new TargetResult("Single-row predict p50 overhead over raw ORT batch 1 (low load)", "<= 0.5 ms", overhead, "ms", overhead <= 0.5,
            $"grid p50 {low.Latency.P50Ms:0.000} ms at {low.OfferedRate:N0} req/s end to end over loopback; raw ORT batch 1 at the same {rawSpaced.RunsPerSecond:N0} runs/s: p50 {rawSpaced.Latency.P50Ms * 1000:0.0} µs per run " +
            $"(back to back {rawBatch1.Latency.P50Ms * 1000:0.0} µs, against which the overhead is {low.Latency.P50Ms - rawBatch1.Latency.P50Ms:0.000} ms); " +
            $"Kestrel baseline p50 {lowBaseline.Latency.P50Ms:0.000} ms, so the grid adds {low.Latency.P50Ms - lowBaseline.Latency.P50Ms:0.000} ms over HTTP alone; " +
            $"one request at a time (closed loop, c=1) the grid's p50 is {closedOne.Latency.P50Ms:0.000} ms ({closedOne.Latency.P50Ms - rawBatch1.Latency.P50Ms:0.000} ms over raw ORT back to back, {closedOne.Latency.P50Ms - closedOneBaseline.Latency.P50Ms:0.000} ms over the baseline)"));

        var batched = PeakWithin(wide.Runs, $"grid {BenchRepository.WideName(_options.BatchedSize)}", 100);
        var unbatched = wide.Runs.Where(r => r.System == $"grid {BenchRepository.WideName(1)}" && r.Mode == "closed").MaxBy(r => r.Throughput)!;
        var gain = batched is null ? 0 : batched.Throughput / unbatched.Throughput;
        targets.Add(new TargetResult("Dynamic batching peak throughput gain on the wide MLP, at p99 <= 100 ms", ">= 3x", gain, "x", gain >= 3,
            batched is null
                ? "no batched run kept p99 within 100 ms"
                : $"max_batch_size {_options.BatchedSize}: {batched.Throughput:N0} req/s at c={batched.Concurrency}, p99 {batched.Latency.P99Ms:0.0} ms; max_batch_size 1: {unbatched.Throughput:N0} req/s at c={unbatched.Concurrency}, p99 {unbatched.Latency.P99Ms:0.0} ms"));
        return targets;
    }
}
