using System.Diagnostics;
using OrleansInference.OnnxRuntime;

namespace OrleansInference.LoadTool;

/// <summary>One raw ONNX Runtime figure: a batch size's run latency and rows per second.</summary>
internal sealed record RawOrtResult(string Model, int Batch, long Runs, double RowsPerSecond, double RunsPerSecond, LatencySummary Latency);

/// <summary>
/// The compute ceiling: the model run in this process through the project's binding, one session with one intra-op
/// thread (as the grid configures it), input and output tensors laid over preallocated buffers, no HTTP, no batcher.
/// </summary>
internal static class RawOrtBenchmark
{
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
