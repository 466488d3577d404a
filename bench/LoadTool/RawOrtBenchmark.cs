using System.Diagnostics;
using OrleansInference.OnnxRuntime;

namespace OrleansInference.LoadTool;

/// <summary>
/// One raw ONNX Runtime figure: a batch size's run latency and rows per second, runs back to back
/// (<paramref name="SpacingMs"/> 0) or one every <paramref name="SpacingMs"/> with the thread asleep in between.
/// </summary>
internal sealed record RawOrtResult(string Model, int Batch, long Runs, double RowsPerSecond, double RunsPerSecond, LatencySummary Latency, double SpacingMs = 0);

/// <summary>
/// The compute ceiling: the model run in this process through the project's binding, one session with one intra-op
/// thread (as the grid configures it), input and output tensors laid over preallocated buffers, no HTTP, no batcher.
/// </summary>
internal static class RawOrtBenchmark
{
    /// <summary>
    /// Batch-1 runs at a fixed low rate, the thread asleep between them, as a lightly loaded server runs them: caches
    /// and branch predictors have gone cold by each run, which costs a small model far more than the run itself.
    /// The like-for-like reference for the grid's latency at the same rate.
    /// </summary>
    public static RawOrtResult RunSpaced(
        OrtEnvironment environment, string model, string modelPath, int columns, int outputs, double runsPerSecond, TimeSpan duration, ExecutionProviderKind provider)
    {
        using var session = environment.CreateSession(modelPath, new OnnxRuntime.SessionOptions { IntraOpNumThreads = 1, ExecutionProvider = provider });
        var random = new Random(42);
        var input = new float[columns];
        for (var i = 0; i < input.Length; i++)
        {
            input[i] = (float)random.NextDouble();
        }

        using var inputValue = OrtValue.CreateTensor(input, 1, columns);
        using var outputValue = OrtValue.CreateTensor(new float[outputs], 1, outputs);
        OrtValue[] inputValues = [inputValue];
        OrtValue?[] outputValues = [outputValue];
        for (var i = 0; i < 100; i++)
        {
            session.Run(inputValues, outputValues);
        }

        var histogram = new LatencyHistogram();
        var interval = (long)(Stopwatch.Frequency / runsPerSecond);
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
            session.Run(inputValues, outputValues);
            histogram.Record((long)((Stopwatch.GetTimestamp() - before) * 1e9 / Stopwatch.Frequency));
        }

        return new RawOrtResult(model, 1, total, runsPerSecond, runsPerSecond, histogram.Summarize(), 1000 / runsPerSecond);
    }

    public static IReadOnlyList<RawOrtResult> Run(
        OrtEnvironment environment, string model, string modelPath, int columns, int outputs, IEnumerable<int> batches, TimeSpan perBatch, ExecutionProviderKind provider)
    {
        using var session = environment.CreateSession(modelPath, new OnnxRuntime.SessionOptions { IntraOpNumThreads = 1, ExecutionProvider = provider });
        var results = new List<RawOrtResult>();
        var random = new Random(42);
        foreach (var batch in batches)
        {
            var input = new float[batch * columns];
            for (var i = 0; i < input.Length; i++)
            {
                input[i] = (float)random.NextDouble();
            }

            var output = new float[batch * outputs];
            using var inputValue = OrtValue.CreateTensor(input, batch, columns);
            using var outputValue = OrtValue.CreateTensor(output, batch, outputs);
            OrtValue[] inputValues = [inputValue];
            OrtValue?[] outputValues = [outputValue];

            // Warm up (first runs plan memory), then time individual runs for the given period.
            var warmUntil = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 5);
            while (Stopwatch.GetTimestamp() < warmUntil)
            {
                session.Run(inputValues, outputValues);
            }

            var histogram = new LatencyHistogram();
            var started = Stopwatch.GetTimestamp();
            var stopAt = started + (long)(perBatch.TotalSeconds * Stopwatch.Frequency);
            long runs = 0;
            long now;
            do
            {
                var before = Stopwatch.GetTimestamp();
                session.Run(inputValues, outputValues);
                now = Stopwatch.GetTimestamp();
                histogram.Record((long)((now - before) * 1e9 / Stopwatch.Frequency));
                runs++;
            }
            while (now < stopAt);

            var seconds = (now - started) / (double)Stopwatch.Frequency;
            results.Add(new RawOrtResult(model, batch, runs, runs * batch / seconds, runs / seconds, histogram.Summarize()));
        }

        return results;
    }
}
