using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OrleansInference.OnnxRuntime.Tests.Models;

namespace OrleansInference.OnnxRuntime.Benchmarks;

/// <summary>
/// One run of the 30→16→2 MLP per operation through the official binding. <see cref="IoBindingBoundOnce"/> is the
/// steady-state serving path: input and output tensors laid over pinned buffers and bound to the session's
/// <see cref="OrtIoBinding"/> once, reused for every run. <see cref="PreallocatedOutputs"/> passes the same values to
/// <c>Run</c> each time; <see cref="TensorsPerRun"/> creates the input per run and lets ONNX Runtime allocate the output.
/// </summary>
[MemoryDiagnoser]
public class MlpRunBenchmarks
{
    private InferenceSession _session = null!;
    private RunOptions _runOptions = null!;
    private OrtIoBinding _binding = null!;
    private float[] _features = null!;
    private float[] _probabilities = null!;
    private OrtValue _input = null!;
    private OrtValue _output = null!;
    private string[] _inputNames = null!;
    private string[] _outputNames = null!;
    private OrtValue[] _inputs = null!;
    private OrtValue[] _outputs = null!;

    [Params(1, 32, 512)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var model = new MlpModel();
        _session = new OnnxSessionFactory().Create(model.Bytes, new SessionSettings { IntraOpNumThreads = 1 }).Session;
        _runOptions = new RunOptions();
        _features = GC.AllocateArray<float>(Batch * MlpModel.Features, pinned: true);
        MlpModel.CreateInput(Batch, seed: 42).CopyTo(_features, 0);
        _probabilities = GC.AllocateArray<float>(Batch * MlpModel.Classes, pinned: true);
        _input = Over(_features, Batch, MlpModel.Features);
        _output = Over(_probabilities, Batch, MlpModel.Classes);
        _inputNames = [MlpModel.InputName];
        _outputNames = [MlpModel.OutputName];
        _inputs = [_input];
        _outputs = [_output];
        _binding = _session.CreateIoBinding();
        _binding.BindInput(MlpModel.InputName, _input);
        _binding.BindOutput(MlpModel.OutputName, _output);

        _session.RunWithBinding(_runOptions, _binding);
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
        _binding.Dispose();
        _input.Dispose();
        _output.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    [Benchmark(Baseline = true)]
    public float IoBindingBoundOnce()
    {
        _session.RunWithBinding(_runOptions, _binding);
        return _probabilities[0];
    }

    [Benchmark]
    public float PreallocatedOutputs()
    {
        _session.Run(_runOptions, _inputNames, _inputs, _outputNames, _outputs);
        return _probabilities[0];
    }

    [Benchmark]
    public float TensorsPerRun()
    {
        using var input = Over(_features, Batch, MlpModel.Features);
        using var results = _session.Run(_runOptions, _inputNames, [input], _outputNames);
        return results[0].GetTensorDataAsSpan<float>()[0];
    }

    private static unsafe OrtValue Over(float[] pinned, int rows, int columns)
    {
        fixed (float* data = pinned)
        {
            return OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, TensorElementType.Float, [rows, columns], (nint)data, pinned.Length * sizeof(float));
        }
    }
}
