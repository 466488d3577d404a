using OrleansInference.OnnxRuntime.Tests.Models;

namespace OrleansInference.OnnxRuntime.Tests;

[Collection(SerialCollection.Name)]
public sealed class ConcurrencyTests
{
    [Fact]
    public void Run_FromSixteenThreadsOnOneSession_AllResultsCorrect()
    {
        const int Threads = 16;
        const int RunsPerThread = 10_000;
        var model = new MlpModel();
        using var environment = new OrtEnvironment();
        using var session = environment.CreateSession(model.Bytes);
        var failures = new int[Threads];
        var errors = new Exception?[Threads];
        using var start = new Barrier(Threads);

        var threads = new Thread[Threads];
        for (var t = 0; t < Threads; t++)
        {
            var id = t;
            threads[t] = new Thread(() =>
            {
                try
                {
                    // Each thread alternates between two inputs of its own, so a mixed-up result shows.
                    var features = new[] { MlpModel.CreateInput(1, seed: id * 2), MlpModel.CreateInput(1, seed: (id * 2) + 1) };
                    var expected = new[] { model.Reference(features[0], 1), model.Reference(features[1], 1) };
                    var output = new float[MlpModel.Classes];
                    using var input0 = OrtValue.CreateTensor(features[0], 1, MlpModel.Features);
                    using var input1 = OrtValue.CreateTensor(features[1], 1, MlpModel.Features);
                    using var outputValue = OrtValue.CreateTensor(output, 1, MlpModel.Classes);
                    var inputs = new[] { input0, input1 };
                    var outputs = new OrtValue?[] { outputValue };
                    start.SignalAndWait();
                    for (var i = 0; i < RunsPerThread; i++)
                    {
                        var which = i & 1;
                        session.Run(new ReadOnlySpan<OrtValue>(inputs, which, 1), outputs);
                        if (Math.Abs(output[0] - expected[which][0]) > 1e-5f || Math.Abs(output[1] - expected[which][1]) > 1e-5f)
                        {
                            failures[id]++;
                        }
                    }
                }
#pragma warning disable CA1031 // The failure is reported by the assertion below.
                catch (Exception ex)
                {
                    errors[id] = ex;
                }
#pragma warning restore CA1031
            });
            threads[t].Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        Assert.All(errors, e => Assert.Null(e));
        Assert.Equal(new int[Threads], failures);
    }
}
