using BenchmarkDotNet.Attributes;
using OrleansInference.OnnxRuntime.Tests.Models;

namespace OrleansInference.OnnxRuntime.Benchmarks;

/// <summary>
/// One run of the 30→16→2 MLP per operation. <see cref="Preallocated"/> is the steady-state
/// serving path: input and output tensors laid over caller buffers once, reused for every run
/// (0 managed bytes per run). <see cref="TensorsPerRun"/> creates the input tensor per run and
/// lets ONNX Runtime allocate the output, for comparison.
/// </summary>
[MemoryDiagnoser]
public class MlpRunBenchmarks
{
    private OrtEnvironment _environment = null!;
    private InferenceSession _session = null!;
    private float[] _features = null!;
    private float[] _probabilities = null!;
    private OrtValue[] _inputs = null!;
    private OrtValue?[] _outputs = null!;
    private OrtValue?[] _scratchOutputs = null!;

    [Params(1, 8, 32, 128, 512)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var model = new MlpModel();
        _environment = new OrtEnvironment();
        _session = _environment.CreateSession(model.Bytes, new SessionOptions { IntraOpNumThreads = 1 });
        _features = MlpModel.CreateInput(Batch, seed: 42);
        _probabilities = new float[Batch * MlpModel.Classes];
        _inputs = [OrtValue.CreateTensor(_features, Batch, MlpModel.Features)];
        _outputs = [OrtValue.CreateTensor(_probabilities, Batch, MlpModel.Classes)];
        _scratchOutputs = new OrtValue?[1];

        _session.Run(_inputs, _outputs);
        var expected = model.Reference(_features, Batch);
        for (var i = 0; i < expected.Length; i++)
        {
            if (Math.Abs(expected[i] - _probabilities[i]) > 1e-5f)
            {
                throw new InvalidOperationException($"Batch {Batch}: element {i} is {_probabilities[i]}, expected {expected[i]}.");
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _inputs[0].Dispose();
        _outputs[0]!.Dispose();
        _session.Dispose();
        _environment.Dispose();
    }

    [Benchmark(Baseline = true)]
    public float Preallocated()
    {
        _session.Run(_inputs, _outputs);
        return _probabilities[0];
    }

    [Benchmark]
    public float TensorsPerRun()
    {
        using var input = OrtValue.CreateTensor(_features, Batch, MlpModel.Features);
        _scratchOutputs[0] = null;
        _session.Run([input], _scratchOutputs);
        using var output = _scratchOutputs[0]!;
        return output.GetTensorData<float>()[0];
    }
}
