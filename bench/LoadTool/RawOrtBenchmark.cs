using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using OrleansInference.OnnxRuntime;

namespace OrleansInference.LoadTool;

/// <summary>
/// One raw ONNX Runtime figure: a batch size's run latency and rows per second, runs back to back
/// (<paramref name="SpacingMs"/> 0) or one every <paramref name="SpacingMs"/> with the thread asleep in between.
/// </summary>
internal sealed record RawOrtResult(string Model, int Batch, long Runs, double RowsPerSecond, double RunsPerSecond, LatencySummary Latency, double SpacingMs = 0);

/// <summary>
/// The compute ceiling: the model run in this process through the official ONNX Runtime binding, one session with one intra-op
/// thread (as the grid configures it), input and output tensors over pinned buffers bound once, no HTTP, no batcher.
/// </summary>
internal static class RawOrtBenchmark
{
    /// <summary>
    /// Batch-1 runs at a fixed low rate, the thread asleep between them, as a lightly loaded server runs them: caches
    /// and branch predictors have gone cold by each run, which costs a small model far more than the run itself.
    /// The like-for-like reference for the grid's latency at the same rate.
    /// </summary>
    public static RawOrtResult RunSpaced(
        OnnxSessionFactory factory, string model, string modelPath, int columns, int outputs, double runsPerSecond, TimeSpan duration, ExecutionProviderKind provider)
    {
        using var session = CreateSession(factory, modelPath, provider);
        using var tensors = new RawOrtRun(session, new Random(42), 1, columns, outputs);
        for (var i = 0; i < 100; i++)
        {
            tensors.Run();
        }

        var histogram = LatencySummary.NewHistogram();
        var interval = (long)(Stopwatch.Frequency / runsPerSecond);
        var intervalNs = (long)(1e9 / runsPerSecond);
        var total = (long)(runsPerSecond * duration.TotalSeconds);
        var next = Stopwatch.GetTimestamp();
        for (long run = 0; run < total; run++)
        {
            next += interval;
            while (Stopwatch.GetTimestamp() < next)
            {
                Thread.Sleep(1);
            }

            var before = Stopwatch.GetTimestamp();
            tensors.Run();

            // A run longer than the spacing delays the runs due behind it: HdrHistogram adds the samples they would
            // have recorded (coordinated-omission correction at the fixed rate).
            histogram.RecordValueWithExpectedInterval(
                LatencySummary.Trackable((long)((Stopwatch.GetTimestamp() - before) * 1e9 / Stopwatch.Frequency)), intervalNs);
        }

        return new RawOrtResult(model, 1, total, runsPerSecond, runsPerSecond, LatencySummary.Of(histogram), 1000 / runsPerSecond);
    }

    public static IReadOnlyList<RawOrtResult> Run(
        OnnxSessionFactory factory, string model, string modelPath, int columns, int outputs, IEnumerable<int> batches, TimeSpan perBatch, ExecutionProviderKind provider)
    {
        using var session = CreateSession(factory, modelPath, provider);
        var results = new List<RawOrtResult>();
        var random = new Random(42);
        foreach (var batch in batches)
        {
            using var tensors = new RawOrtRun(session, random, batch, columns, outputs);

            // Warm up (first runs plan memory), then time individual runs for the given period.
            var warmUntil = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 5);
            while (Stopwatch.GetTimestamp() < warmUntil)
            {
                tensors.Run();
            }

            var histogram = LatencySummary.NewHistogram();
            var started = Stopwatch.GetTimestamp();
            var stopAt = started + (long)(perBatch.TotalSeconds * Stopwatch.Frequency);
            long runs = 0;
            long now;
            do
            {
                var before = Stopwatch.GetTimestamp();
                tensors.Run();
                now = Stopwatch.GetTimestamp();
                histogram.RecordValue(LatencySummary.Trackable((long)((now - before) * 1e9 / Stopwatch.Frequency)));
                runs++;
            }
            while (now < stopAt);

            var seconds = (now - started) / (double)Stopwatch.Frequency;
            results.Add(new RawOrtResult(model, batch, runs, runs * batch / seconds, runs / seconds, LatencySummary.Of(histogram)));
        }

        return results;
    }

    private static InferenceSession CreateSession(OnnxSessionFactory factory, string modelPath, ExecutionProviderKind provider) =>
        factory.Create(modelPath, new SessionSettings { IntraOpNumThreads = 1, ExecutionProvider = provider }).Session;
}
