using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace OrleansInference.LoadTool;

/// <summary>
/// One batch size's run of a single-input, single-output model: random input and the output laid over pinned buffers
/// and bound to the session's <see cref="OrtIoBinding"/> once, so <see cref="Run"/> allocates nothing.
/// </summary>
/// <remarks>Dispose order: binding, then the values it binds.</remarks>
internal sealed class RawOrtRun : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OrtValue _input;
    private readonly OrtValue _output;
    private readonly OrtIoBinding _binding;

    public RawOrtRun(InferenceSession session, Random random, int batch, int columns, int outputs)
    {
        _session = session;
        var input = GC.AllocateArray<float>(batch * columns, pinned: true);
        for (var i = 0; i < input.Length; i++)
        {
            input[i] = (float)random.NextDouble();
        }

        _input = Over(input, batch, columns);
        _output = Over(GC.AllocateArray<float>(batch * outputs, pinned: true), batch, outputs);
        _binding = session.CreateIoBinding();
        _binding.BindInput(session.InputNames[0], _input);
        _binding.BindOutput(session.OutputNames[0], _output);
    }

    public void Run() => _session.RunWithBinding(_runOptions, _binding);

    public void Dispose()
    {
        _binding.Dispose();
        _input.Dispose();
        _output.Dispose();
        _runOptions.Dispose();
    }

    private static unsafe OrtValue Over(float[] pinned, int rows, int columns)
    {
        fixed (float* data = pinned)
        {
            return OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, TensorElementType.Float, [rows, columns], (nint)data, pinned.Length * sizeof(float));
        }
    }
}
