using OrleansInference.Grains.Execution;
using OrleansInference.OnnxRuntime.Tests.Models;
using OrleansInference.OnnxRuntime.Tests.Support;
using Xunit.Abstractions;

namespace OrleansInference.OnnxRuntime.Tests;

[Collection(SerialCollection.Name)]
public sealed class MemoryStabilityTests(ITestOutputHelper output)
{
    [Fact]
    public void RunnerRun_100000Runs_ResidentMemoryStable()
    {
        const int Warmup = 20_000;
        const int Half = 50_000;
        const long SteadyBound = 8L * 1024 * 1024;
        var model = new MlpModel();
        using var runner = new OnnxModelRunner(new OnnxSessionFactory(), model.Bytes, new SessionSettings(), instances: 1);
        var features = MlpModel.CreateInput(4, seed: 3);
        using var input = Tensors.Float(MlpModel.InputName, features, 4, MlpModel.Features);

        RunCycles(runner, input, Warmup);
        var start = ProcessMemory.ResidentBytesAfterGc();
        RunCycles(runner, input, Half);
        var middle = ProcessMemory.ResidentBytesAfterGc();
        var last = RunCycles(runner, input, Half);
        var end = ProcessMemory.ResidentBytesAfterGc();

        // A leaked native value per run (≥ 500 bytes) would add ≥ 24 MiB over the second 50,000 runs.
        var steady = end - middle;
        output.WriteLine(
            $"VmRSS after warm-up {Mib(start):F1} MiB, after 50,000 runs {Mib(middle):F1} MiB, after 100,000 runs {Mib(end):F1} MiB; " +
            $"growth over the last 50,000 runs {Mib(steady):F2} MiB.");
        Tensors.AssertClose(model.Reference(features, 4), last, 1e-5f);
        Assert.True(steady < SteadyBound, $"Resident memory grew by {Mib(steady):F1} MiB over the last {Half} runs (bound {Mib(SteadyBound):F0} MiB).");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(32)]
    [InlineData(512)]
    public void RunnerRun_SteadyState_AllocatesNothing(int batch)
    {
        // The binding's values are reused, and so is the result once its tensor is disposed: nothing per run.
        const int Runs = 2_000;
        var model = new MlpModel();
        using var runner = new OnnxModelRunner(new OnnxSessionFactory(), model.Bytes, new SessionSettings(), instances: 1);
        using var input = Tensors.Float(MlpModel.InputName, MlpModel.CreateInput(batch, seed: batch), batch, MlpModel.Features);
        RunCycles(runner, input, 200);

        string[] outputs = [MlpModel.OutputName];
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Runs; i++)
        {
            runner.Run(0, [input], outputs, CancellationToken.None)[0].Dispose();
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        output.WriteLine($"Batch {batch}: {allocated} B allocated over {Runs} runs.");
        Assert.Equal(0, allocated);
    }

    private static double Mib(long bytes) => bytes / 1024.0 / 1024.0;

    private static float[] RunCycles(OnnxModelRunner runner, Contracts.Inference.NamedTensor input, int cycles)
    {
        var last = Array.Empty<float>();
        string[] outputs = [MlpModel.OutputName];
        for (var i = 0; i < cycles; i++)
        {
            using var result = runner.Run(0, [input], outputs, CancellationToken.None)[0];
            if (i == cycles - 1)
            {
                last = result.AsSpan<float>().ToArray();
            }
        }

        return last;
    }
}
