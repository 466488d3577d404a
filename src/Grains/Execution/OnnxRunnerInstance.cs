using System.Buffers;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OrleansInference.Contracts.Inference;

namespace OrleansInference.Grains.Execution;

/// <summary>
/// One execution instance of a model version: a session with its own <see cref="RunOptions"/> (the terminate flag of
/// a cancellable run) and <see cref="OrtIoBinding"/>, created once and reused by every run. One run at a time.
/// Inputs are laid over the request's bytes without copying (pinned for the run); outputs are allocated by ONNX
/// Runtime and copied once into pooled buffers the result tensors own.
/// </summary>
/// <remarks>Dispose order: binding, run options, then the session they belong to.</remarks>
internal sealed class OnnxRunnerInstance : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OrtIoBinding _binding;
    private readonly IReadOnlyList<string> _inputNames;
    private readonly HashSet<string> _outputNames;
    private readonly OrtValue?[] _inputValues;
    private readonly MemoryHandle[] _pins;
    private volatile bool _terminateRequested;

    public OnnxRunnerInstance(InferenceSession session)
    {
        _session = session;
        _binding = session.CreateIoBinding();
        _inputNames = session.InputNames;
        _outputNames = new HashSet<string>(session.OutputNames, StringComparer.Ordinal);
        _inputValues = new OrtValue?[_inputNames.Count];
        _pins = new MemoryHandle[_inputNames.Count];
    }

    public InferenceSession Session => _session;

    public NamedTensor[] Run(ReadOnlySpan<NamedTensor> inputs, IReadOnlyList<string> outputNames, CancellationToken cancellationToken)
    {
        if (inputs.Length != _inputNames.Count)
        {
            throw new ArgumentException($"The model takes {_inputNames.Count} inputs; {inputs.Length} were given.", nameof(inputs));
        }

        CancellationTokenRegistration registration = default;
        try
        {
            for (var i = 0; i < inputs.Length; i++)
            {
                var value = CreateInput(inputs[i], out _pins[i]);
                _inputValues[i] = value;
                _binding.BindInput(_inputNames[i], value);
            }

            foreach (var name in outputNames)
            {
                if (!_outputNames.Contains(name))
                {
                    throw new ArgumentException($"The model has no output '{name}'.", nameof(outputNames));
                }

                _binding.BindOutputToDevice(name, OrtMemoryInfo.DefaultInstance);
            }

            if (cancellationToken.CanBeCanceled)
            {
                cancellationToken.ThrowIfCancellationRequested();
                registration = cancellationToken.UnsafeRegister(static s => ((OnnxRunnerInstance)s!).Terminate(), this);
            }

            try
            {
                _session.RunWithBinding(_runOptions, _binding);
            }
            catch (OnnxRuntimeException ex) when (_terminateRequested)
            {
                throw new OperationCanceledException("The run was terminated through its run options before it finished.", ex, cancellationToken);
            }

            using var outputs = _binding.GetOutputValues();
            var result = new NamedTensor[outputs.Count];
            for (var o = 0; o < result.Length; o++)
            {
                result[o] = ToNamedTensor(outputNames[o], outputs[o]);
            }

            return result;
        }
        finally
        {
            // Disposing the registration waits for a running callback, so the flag can be reset for the next run.
            registration.Dispose();
            if (_terminateRequested)
            {
                _runOptions.Terminate = false;
                _terminateRequested = false;
            }

            _binding.ClearBoundInputs();
            _binding.ClearBoundOutputs();
            for (var i = 0; i < _inputValues.Length; i++)
            {
                _inputValues[i]?.Dispose();
                _inputValues[i] = null;
                _pins[i].Dispose();
                _pins[i] = default;
            }
        }
    }

    public void Dispose()
    {
        _binding.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    private void Terminate()
    {
        _terminateRequested = true;
        _runOptions.Terminate = true;
    }

    private static unsafe OrtValue CreateInput(NamedTensor tensor, out MemoryHandle pin)
    {
        pin = default;
        if (tensor.DataType == TensorDataType.String)
        {
            var strings = tensor.Strings!;
            var value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, tensor.Shape);
            try
            {
                for (var i = 0; i < strings.Length; i++)
                {
                    value.StringTensorSetElementAt(strings[i].AsSpan(), i);
                }

                return value;
            }
            catch
            {
                value.Dispose();
                throw;
            }
        }

        var elementType = (TensorElementType)(int)tensor.DataType;
        if (tensor.Data.IsEmpty)
        {
            return OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, elementType, tensor.Shape);
        }

        pin = tensor.Data.Pin();
        return OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, elementType, tensor.Shape, (nint)pin.Pointer, tensor.Data.Length);
    }

    private static NamedTensor ToNamedTensor(string name, OrtValue value)
    {
        var info = value.GetTensorTypeAndShape();
        var shape = info.Shape;
        if (info.ElementDataType == TensorElementType.String)
        {
            return new NamedTensor(name, shape, value.GetStringTensorAsArray());
        }

        var bytes = value.GetTensorMutableRawData();
        var owner = PooledBytes.Rent(bytes.Length, out var array);
        bytes.CopyTo(array);
        return new NamedTensor(name, (TensorDataType)(int)info.ElementDataType, shape, array.AsMemory(0, bytes.Length), owner);
    }
}
