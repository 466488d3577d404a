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
        const int Warmup = 20_000;
        const int Half = 50_000;
        const long SteadyBound = 8L * 1024 * 1024;
        var model = new MlpModel();
        using var environment = new OrtEnvironment();
        using var session = environment.CreateSession(model.Bytes);
        var features = MlpModel.CreateInput(4, seed: 3);
        var expected = model.Reference(features, 4);

        RunCycles(session, features, Warmup);
        var start = ProcessMemory.ResidentBytesAfterGc();
        RunCycles(session, features, Half);
        var middle = ProcessMemory.ResidentBytesAfterGc();
        var last = RunCycles(session, features, Half);
        var end = ProcessMemory.ResidentBytesAfterGc();

        // A leaked tensor per cycle (≥ 500 bytes) would add ≥ 24 MiB over the second 50,000 cycles.
        var steady = end - middle;
        output.WriteLine(
            $"VmRSS after warm-up {Mib(start):F1} MiB, after 50,000 cycles {Mib(middle):F1} MiB, after 100,000 cycles {Mib(end):F1} MiB; " +
            $"growth over the last 50,000 cycles {Mib(steady):F2} MiB.");
        MlpClassifierTests.AssertClose(expected, last, 1e-5f);
        Assert.True(steady < SteadyBound, $"Resident memory grew by {Mib(steady):F1} MiB over the last {Half} cycles (bound {Mib(SteadyBound):F0} MiB).");
    }

    private static double Mib(long bytes) => bytes / 1024.0 / 1024.0;

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
