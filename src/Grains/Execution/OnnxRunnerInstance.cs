using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OrleansInference.Contracts.Inference;

namespace OrleansInference.Grains.Execution;

/// <summary>
/// One execution instance of a model version: a session with its own <see cref="RunOptions"/> (the terminate flag of
/// a cancellable run) and <see cref="OrtIoBinding"/>, created once and reused by every run. One run at a time.
/// </summary>
/// <remarks>
/// <para>
/// Inputs are copied into instance-owned memory aligned to 64 bytes (<see cref="AlignedTensorBuffer"/>), with a
/// tensor value per recent shape bound to the binding and left bound while the shape recurs. Request buffers come
/// from array pools at whatever address, and some kernels (LayerNormalization, Einsum, reductions) choose vector code
/// paths by address: copying makes identical requests give identical bits, and costs one memory copy of the input.
/// Inputs whose data already lies in <see cref="NativeTensorMemory"/> (a generation step's key/value cache) are bound
/// in place instead, with a value made for that run.
/// </para>
/// <para>
/// Outputs of input shapes seen before are written by ONNX Runtime into preallocated buffers (<see cref="OutputPlan"/>),
/// then copied once into a result kept by the plan and handed out again once its caller disposed every tensor
/// (<see cref="ReusableResult"/>). So a steady stream of recurring batch shapes, whose results are disposed, allocates
/// nothing per run. Sessions on another provider than CPU rebind inputs on every run, since ONNX Runtime copies a
/// bound input to the device when it is bound.
/// </para>
/// <para>Dispose order: binding, run options, buffers, then the session they belong to.</para>
/// </remarks>
internal sealed class OnnxRunnerInstance : IDisposable
{
    private const int MaxPlans = 16;

    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OrtIoBinding _binding;
    private readonly bool _rebindInputsEveryRun;
    private readonly IReadOnlyList<string> _inputNames;
    private readonly HashSet<string> _outputNames;
    private readonly AlignedTensorBuffer?[] _inputBuffers;
    private readonly OrtValue?[] _boundInputs;
    private readonly OrtValue?[] _runInputs;
    private readonly OutputPlan?[] _plans = new OutputPlan?[MaxPlans];
    private OutputPlan? _boundPlan;
    private int _nextPlan;

    /// <summary>
    /// Signatures of input shapes that missed a plan once. A plan is made only when a shape comes back: a shape seen
    /// once (a generation step's ever-growing key/value cache) would only cost a plan's buffers and never be reused.
    /// </summary>
    private readonly long[] _missedOnce = new long[MaxPlans];
    private int _nextMissed;
    private volatile bool _terminateRequested;

    public OnnxRunnerInstance(InferenceSession session, bool onCpu)
    {
        _session = session;
        _binding = session.CreateIoBinding();
        _rebindInputsEveryRun = !onCpu;
        _inputNames = session.InputNames;
        _outputNames = new HashSet<string>(session.OutputNames, StringComparer.Ordinal);
        _inputBuffers = new AlignedTensorBuffer?[_inputNames.Count];
        _boundInputs = new OrtValue?[_inputNames.Count];
        _runInputs = new OrtValue?[_inputNames.Count];
    }

    public InferenceSession Session => _session;

    public NamedTensor[] Run(ReadOnlySpan<NamedTensor> inputs, IReadOnlyList<string> outputNames, CancellationToken cancellationToken)
    {
        if (inputs.Length != _inputNames.Count)
        {
            throw new ArgumentException($"The model takes {_inputNames.Count} inputs; {inputs.Length} were given.", nameof(inputs));
        }

        for (var o = 0; o < outputNames.Count; o++)
        {
            if (!_outputNames.Contains(outputNames[o]))
            {
                throw new ArgumentException($"The model has no output '{outputNames[o]}'.", nameof(outputNames));
            }
        }

        CancellationTokenRegistration registration = default;
        try
        {
            for (var i = 0; i < inputs.Length; i++)
            {
                BindInput(i, inputs[i]);
            }

            if (cancellationToken.CanBeCanceled)
            {
                cancellationToken.ThrowIfCancellationRequested();
                registration = cancellationToken.UnsafeRegister(static s => ((OnnxRunnerInstance)s!).Terminate(), this);
            }

            var plan = FindPlan(inputs, outputNames);
            if (plan is { Dynamic: false })
            {
                BindPlan(plan);
                try
                {
                    RunBound(cancellationToken);
                    return plan.Lease();
                }
                catch (OnnxRuntimeException) when (!_terminateRequested)
                {
                    // The reused output shapes did not fit: this model's output shapes depend on its input values.
                    plan.Dynamic = true;
                }
            }

            return RunWithAllocatedOutputs(inputs, outputNames, plan is null && SeenBefore(inputs, outputNames), cancellationToken);
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

            for (var i = 0; i < _runInputs.Length; i++)
            {
                // Values made for one run (strings); the binding keeps what it needs until the next bind.
                if (_runInputs[i] is { } once)
                {
                    once.Dispose();
                    _runInputs[i] = null;
                    _boundInputs[i] = null;
                }
            }
        }
    }

    public void Dispose()
    {
        _binding.Dispose();
        _runOptions.Dispose();
        foreach (var buffer in _inputBuffers)
        {
            buffer?.Dispose();
        }

        foreach (var plan in _plans)
        {
            plan?.Dispose();
        }

        _session.Dispose();
    }

    private void BindInput(int index, NamedTensor tensor)
    {
        OrtValue value;
        if (tensor.DataType == TensorDataType.String)
        {
            value = CreateStrings(tensor);
            _runInputs[index] = value;
        }
        else if (MemoryMarshal.TryGetMemoryManager(tensor.Data, out NativeTensorMemory? native, out var start, out var byteLength))
        {
            // Already native and aligned, and kept by its owner across runs: bound in place for this run.
            value = OrtValue.CreateTensorValueWithData(
                OrtMemoryInfo.DefaultInstance, (TensorElementType)(int)tensor.DataType, tensor.Shape, native.AddressOf(start), byteLength);
            _runInputs[index] = value;
        }
        else
        {
            var elementType = (TensorElementType)(int)tensor.DataType;
            var buffer = _inputBuffers[index];
            if (buffer is null || buffer.ElementType != elementType)
            {
                buffer?.Dispose();
                buffer = _inputBuffers[index] = new AlignedTensorBuffer(elementType);
            }

            var length = tensor.Data.Length;
            value = buffer.ValueFor(tensor.Shape, length);
            tensor.Data.Span.CopyTo(buffer.Bytes(length));
        }

        if (_rebindInputsEveryRun || !ReferenceEquals(_boundInputs[index], value))
        {
            _binding.BindInput(_inputNames[index], value);
            _boundInputs[index] = value;
        }
    }

    private OutputPlan? FindPlan(ReadOnlySpan<NamedTensor> inputs, IReadOnlyList<string> outputNames)
    {
        for (var p = 0; p < _plans.Length; p++)
        {
            if (_plans[p] is { } plan && plan.Matches(inputs, outputNames))
            {
                return plan;
            }
        }

        return null;
    }

    private void BindPlan(OutputPlan plan)
    {
        if (ReferenceEquals(_boundPlan, plan))
        {
            return;
        }

        _binding.ClearBoundOutputs();
        _boundPlan = null;
        for (var o = 0; o < plan.Values.Length; o++)
        {
            _binding.BindOutput(plan.OutputNames[o], plan.Values[o]);
        }

        _boundPlan = plan;
    }

    /// <summary>True when these input shapes missed a plan before (they recur); otherwise remembers them and answers false.</summary>
    private bool SeenBefore(ReadOnlySpan<NamedTensor> inputs, IReadOnlyList<string> outputNames)
    {
        var hash = new HashCode();
        hash.Add(outputNames.Count);
        foreach (var input in inputs)
        {
            hash.Add(input.Shape.Length);
            foreach (var dimension in input.Shape)
            {
                hash.Add(dimension);
            }
        }

        var signature = (long)hash.ToHashCode() | 1L << 40; // never 0, the empty slot
        if (Array.IndexOf(_missedOnce, signature) >= 0)
        {
            return true;
        }

        _missedOnce[_nextMissed] = signature;
        _nextMissed = (_nextMissed + 1) % _missedOnce.Length;
        return false;
    }

    private NamedTensor[] RunWithAllocatedOutputs(ReadOnlySpan<NamedTensor> inputs, IReadOnlyList<string> outputNames, bool planNext, CancellationToken cancellationToken)
    {
        _binding.ClearBoundOutputs();
        _boundPlan = null;
        for (var o = 0; o < outputNames.Count; o++)
        {
            _binding.BindOutputToDevice(outputNames[o], OrtMemoryInfo.DefaultInstance);
        }

        RunBound(cancellationToken);
        using var outputs = _binding.GetOutputValues();
        var result = new NamedTensor[outputs.Count];
        for (var o = 0; o < result.Length; o++)
        {
            result[o] = ToNamedTensor(outputNames[o], outputs[o]);
        }

        if (planNext && OutputPlan.TryCreate(inputs, outputNames, outputs) is { } plan)
        {
            var slot = _nextPlan;
            _nextPlan = (_nextPlan + 1) % MaxPlans;
            _plans[slot]?.Dispose();
            _plans[slot] = plan;
        }

        // The device-bound outputs stay in the binding until the next run binds its own.
        _binding.ClearBoundOutputs();
        return result;
    }

    private void RunBound(CancellationToken cancellationToken)
    {
        try
        {
            _session.RunWithBinding(_runOptions, _binding);
        }
        catch (OnnxRuntimeException ex) when (_terminateRequested)
        {
            throw new OperationCanceledException("The run was terminated through its run options before it finished.", ex, cancellationToken);
        }
    }

    private void Terminate()
    {
        _terminateRequested = true;
        _runOptions.Terminate = true;
    }

    private static OrtValue CreateStrings(NamedTensor tensor)
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
