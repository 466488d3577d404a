using BenchmarkDotNet.Attributes;
using OrleansInference.Contracts.Inference;
using OrleansInference.Grains.Execution;
using OrleansInference.OnnxRuntime.Tests.Models;

namespace OrleansInference.OnnxRuntime.Benchmarks;

/// <summary>
/// One run of the 30→16→2 MLP through the grid's runner (<see cref="OnnxModelRunner"/>, one instance): the input
/// copied into the instance's aligned buffer, the binding's values reused while the batch shape recurs, the output
/// copied into a result the runner hands out again once its tensors are disposed (here at once, as the batcher does).
/// </summary>
[MemoryDiagnoser]
public class RunnerBenchmarks
{
    private OnnxModelRunner _runner = null!;
    private NamedTensor _input = null!;
    private NamedTensor[] _inputs = null!;
    private readonly string[] _outputs = [MlpModel.OutputName];

    [Params(1, 32, 512)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _runner = new OnnxModelRunner(new OnnxSessionFactory(), new MlpModel().Bytes, new SessionSettings { IntraOpNumThreads = 1 }, instances: 1);
        _input = NamedTensor.FromValues(MlpModel.InputName, TensorDataType.Float32, [Batch, MlpModel.Features], MlpModel.CreateInput(Batch, seed: 42).AsSpan());
        _inputs = [_input];
    }

    [GlobalCleanup]
    public void Cleanup() => _runner.Dispose();

    [Benchmark]
    public float RunnerRun()
    {
        using var output = _runner.Run(0, _inputs, _outputs, CancellationToken.None)[0];
        return output.AsSpan<float>()[0];
    }
}
