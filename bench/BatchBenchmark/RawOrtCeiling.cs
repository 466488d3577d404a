using System.Buffers;
using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OrleansInference.OnnxRuntime;

namespace OrleansInference.BatchBenchmark;

/// <summary>
/// Ceiling (b): rows already parsed in memory (parsing is not timed); standardize each chunk and run the model through
/// the official ONNX Runtime binding at the job's chunk size, with the job's worker count over one session
/// (one intra-op thread, the serving default). The arg-max of every row is taken so the work cannot be skipped.
/// </summary>
internal static class RawOrtCeiling
{
    public static (double Seconds, long Positives) Run(BreastCancerModel model, float[] features, int rows, int chunkRows, int workers)
    {
        using var session = new OnnxSessionFactory().Create(model.ModelPath, new SessionSettings { IntraOpNumThreads = 1 }).Session;
        var columns = model.Columns;
        var inverseStd = Array.ConvertAll(model.Std, s => 1f / s);
        var chunks = (rows + chunkRows - 1) / chunkRows;
        RunChunk(session, model.Mean, inverseStd, features, 0, Math.Min(rows, chunkRows), columns); // warm-up, as the server warms its sessions

        long positives = 0;
        var stopwatch = Stopwatch.StartNew();
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = workers }, chunk =>
        {
            var first = chunk * chunkRows;
            var count = Math.Min(chunkRows, rows - first);
            Interlocked.Add(ref positives, RunChunk(session, model.Mean, inverseStd, features, first, count, columns));
        });
        return (stopwatch.Elapsed.TotalSeconds, positives);
    }

    private static long RunChunk(InferenceSession session, float[] mean, float[] inverseStd, float[] features, int first, int count, int columns)
    {
        var input = ArrayPool<float>.Shared.Rent(count * columns);
        var probabilities = ArrayPool<float>.Shared.Rent(count * 2);
        try
        {
            var source = features.AsSpan(first * columns, count * columns);
            for (var i = 0; i < source.Length; i += columns)
            {
                for (var c = 0; c < columns; c++)
                {
                    input[i + c] = (source[i + c] - mean[c]) * inverseStd[c];
                }
            }

            using var inputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input.AsMemory(0, count * columns), [count, columns]);
            using var outputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, probabilities.AsMemory(0, count * 2), [count, 2]);
            using var runOptions = new RunOptions();
            session.Run(runOptions, session.InputNames, [inputValue], session.OutputNames, [outputValue]);
            long positives = 0;
            for (var r = 0; r < count; r++)
            {
                positives += probabilities[r * 2 + 1] > probabilities[r * 2] ? 1 : 0;
            }

            return positives;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(input);
            ArrayPool<float>.Shared.Return(probabilities);
        }
    }
}
