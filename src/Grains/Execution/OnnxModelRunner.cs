using System.Buffers;
using OrleansInference.Contracts.Inference;
using OrleansInference.OnnxRuntime;

namespace OrleansInference.Grains.Execution;

/// <summary>
/// The execution instances of one model version: one ONNX Runtime session each. Inputs are laid over the request's
/// bytes without copying (pinned for the run); outputs are copied once into pooled buffers the result tensors own.
/// </summary>
public sealed class OnnxModelRunner : IModelRunner
{
    private readonly InferenceSession[] _sessions;

    /// <summary>One reusable RunOptions per instance (an instance runs one batch at a time), for cancellable runs.</summary>
    private readonly RunOptions?[] _runOptions;
    private int _disposed;

    public OnnxModelRunner(OrtEnvironment environment, ReadOnlyMemory<byte> model, SessionOptions options, int instances)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentOutOfRangeException.ThrowIfLessThan(instances, 1);
        _sessions = new InferenceSession[instances];
        _runOptions = new RunOptions?[instances];
        try
        {
            for (var i = 0; i < instances; i++)
            {
                _sessions[i] = environment.CreateSession(model, options);
            }
        }
        catch
        {
            foreach (var session in _sessions)
            {
                session?.Dispose();
            }

            throw;
        }

        var first = _sessions[0];
        Inputs = first.InputMetadata.Select(ToInfo).ToArray();
        Outputs = first.OutputMetadata.Select(ToInfo).ToArray();
        ExecutionProvider = first.ExecutionProvider;
    }

    /// <inheritdoc />
    public IReadOnlyList<ModelTensorInfo> Inputs { get; }

    /// <inheritdoc />
    public IReadOnlyList<ModelTensorInfo> Outputs { get; }

    /// <inheritdoc />
    public string ExecutionProvider { get; }

    /// <inheritdoc />
    public int Instances => _sessions.Length;

    /// <inheritdoc />
    public NamedTensor[] Run(int instance, ReadOnlySpan<NamedTensor> inputs, IReadOnlyList<string> outputNames, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ArgumentNullException.ThrowIfNull(outputNames);
        var session = _sessions[instance];
        if (inputs.Length != Inputs.Count)
        {
            throw new ArgumentException($"The model takes {Inputs.Count} inputs; {inputs.Length} were given.", nameof(inputs));
        }

        var values = new OrtValue[inputs.Length];
        var pins = new MemoryHandle[inputs.Length];
        var outputIndices = new int[outputNames.Count];
        var outputs = new OrtValue?[outputNames.Count];
        RunOptions? runOptions = null;
        CancellationTokenRegistration registration = default;
        try
        {
            for (var i = 0; i < inputs.Length; i++)
            {
                values[i] = CreateInput(inputs[i], out pins[i]);
            }

            for (var o = 0; o < outputIndices.Length; o++)
            {
                var index = session.GetOutputIndex(outputNames[o]);
                if (index < 0)
                {
                    throw new ArgumentException($"The model has no output '{outputNames[o]}'.", nameof(outputNames));
                }

                outputIndices[o] = index;
            }

            if (cancellationToken.CanBeCanceled)
            {
                cancellationToken.ThrowIfCancellationRequested();
                runOptions = _runOptions[instance] ??= new RunOptions();
                registration = cancellationToken.UnsafeRegister(static s => ((RunOptions)s!).SetTerminate(), runOptions);
            }

            session.Run(values, outputIndices, outputs, runOptions);
            var result = new NamedTensor[outputs.Length];
            for (var o = 0; o < outputs.Length; o++)
            {
                result[o] = ToNamedTensor(outputNames[o], outputs[o]!);
            }

            return result;
        }
        finally
        {
            // Disposing the registration waits for a running callback, so the flag can be reset for the next run.
            registration.Dispose();
            if (runOptions is { IsTerminateRequested: true })
            {
                runOptions.UnsetTerminate();
            }

            foreach (var output in outputs)
            {
                output?.Dispose();
            }

            for (var i = 0; i < values.Length; i++)
            {
                values[i]?.Dispose();
                pins[i].Dispose();
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var session in _sessions)
        {
            session.Dispose();
        }

        foreach (var runOptions in _runOptions)
        {
            runOptions?.Dispose();
        }
    }

    private static ModelTensorInfo ToInfo(TensorMetadata metadata) =>
        new(metadata.Name, (TensorDataType)(int)metadata.ElementType, metadata.Shape.Select(d => d < 0 ? -1 : d).ToArray());

    private static unsafe OrtValue CreateInput(NamedTensor tensor, out MemoryHandle pin)
    {
        if (tensor.DataType == TensorDataType.String)
        {
            pin = default;
            return OrtValue.CreateStringTensor(tensor.Strings, tensor.Shape);
        }

        var elementType = (TensorElementType)(int)tensor.DataType;
        if (tensor.Data.IsEmpty)
        {
            pin = default;
            return OrtValue.AllocateTensor(elementType, tensor.Shape);
        }

        pin = tensor.Data.Pin();
        return OrtValue.CreateTensor(elementType, (nint)pin.Pointer, tensor.Data.Length, tensor.Shape);
    }

    private static NamedTensor ToNamedTensor(string name, OrtValue value)
    {
        var shape = value.Shape.ToArray();
        if (value.ElementType == TensorElementType.String)
        {
            return new NamedTensor(name, shape, value.GetStrings());
        }

        var bytes = value.GetTensorBytes();
        var owner = PooledBytes.Rent(bytes.Length, out var array);
        bytes.CopyTo(array);
        return new NamedTensor(name, (TensorDataType)(int)value.ElementType, shape, array.AsMemory(0, bytes.Length), owner);
    }
}
