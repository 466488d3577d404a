using OrleansInference.OnnxRuntime.Tests.Models;
using OrleansInference.OnnxRuntime.Tests.Support;
using Xunit.Abstractions;

namespace OrleansInference.OnnxRuntime.Tests;

[Collection(SerialCollection.Name)]
public sealed class MemoryStabilityTests(ITestOutputHelper output)
{
    [Fact]
    public void CreateRunDispose_100000Cycles_ResidentMemoryStable()
    {
        const int Warmup = 5_000;
        const int Cycles = 100_000;
        const long Bound = 50L * 1024 * 1024;
        var model = new MlpModel();
        using var environment = new OrtEnvironment();
        using var session = environment.CreateSession(model.Bytes);
        var features = MlpModel.CreateInput(4, seed: 3);
        var expected = model.Reference(features, 4);

        RunCycles(session, features, Warmup);
        var before = ProcessMemory.ResidentBytesAfterGc();
        var last = RunCycles(session, features, Cycles);
        var after = ProcessMemory.ResidentBytesAfterGc();

        var growth = after - before;
        output.WriteLine($"VmRSS before {before / 1024.0 / 1024.0:F1} MiB, after {Cycles} cycles {after / 1024.0 / 1024.0:F1} MiB, growth {growth / 1024.0 / 1024.0:F2} MiB.");
        MlpClassifierTests.AssertClose(expected, last, 1e-5f);
        Assert.True(growth < Bound, $"Resident memory grew by {growth / 1024 / 1024} MiB over {Cycles} cycles (bound {Bound / 1024 / 1024} MiB).");
    }

    private static float[] RunCycles(InferenceSession session, float[] features, int cycles)
    {
        var last = Array.Empty<float>();
        var outputs = new OrtValue?[1];
        for (var i = 0; i < cycles; i++)
        {
            using var input = OrtValue.CreateTensor(features, 4, MlpModel.Features);
            outputs[0] = null;
            session.Run([input], outputs);
            using var result = outputs[0]!;
            if (i == cycles - 1)
            {
                last = result.GetTensorData<float>().ToArray();
            }
        }

        return last;
    }
}
