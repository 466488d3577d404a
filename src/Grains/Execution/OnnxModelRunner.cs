using Microsoft.ML.OnnxRuntime;
using OrleansInference.Contracts.Inference;
using OrleansInference.OnnxRuntime;

namespace OrleansInference.Grains.Execution;

/// <summary>
/// The execution instances of one model version: one ONNX Runtime session each, with its run options and I/O binding
/// created once (<see cref="OnnxRunnerInstance"/>). The first session decides the execution provider (CUDA, or CPU
/// after a logged fallback); the others are created on the same one.
/// </summary>
public sealed class OnnxModelRunner : IModelRunner
{
    private readonly OnnxRunnerInstance[] _instances;
    private int _disposed;

    public OnnxModelRunner(OnnxSessionFactory factory, byte[] model, SessionSettings settings, int instances)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfLessThan(instances, 1);
        _instances = new OnnxRunnerInstance[instances];
        try
        {
            var first = factory.Create(model, settings);
            _instances[0] = new OnnxRunnerInstance(first.Session, first.Provider == ExecutionProviderKind.Cpu);
            ExecutionProvider = first.ExecutionProvider;
            FallbackReason = first.FallbackReason;
            var rest = settings.WithProvider(first.Provider);
            for (var i = 1; i < instances; i++)
            {
                _instances[i] = new OnnxRunnerInstance(factory.Create(model, rest).Session, first.Provider == ExecutionProviderKind.Cpu);
            }
        }
        catch
        {
            foreach (var instance in _instances)
            {
                instance?.Dispose();
            }

            throw;
        }

        var session = _instances[0].Session;
        Inputs = session.InputNames.Select(name => ToInfo(name, session.InputMetadata[name])).ToArray();
        Outputs = session.OutputNames.Select(name => ToInfo(name, session.OutputMetadata[name])).ToArray();
    }

    /// <inheritdoc />
    public IReadOnlyList<ModelTensorInfo> Inputs { get; }

    /// <inheritdoc />
    public IReadOnlyList<ModelTensorInfo> Outputs { get; }

    /// <inheritdoc />
    public string ExecutionProvider { get; }

    /// <summary>Why the sessions run on CPU although CUDA was configured; null when they run where configured.</summary>
    public string? FallbackReason { get; }

    /// <inheritdoc />
    public int Instances => _instances.Length;

    /// <inheritdoc />
    public NamedTensor[] Run(int instance, ReadOnlySpan<NamedTensor> inputs, IReadOnlyList<string> outputNames, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ArgumentNullException.ThrowIfNull(outputNames);
        return _instances[instance].Run(inputs, outputNames, cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var instance in _instances)
        {
            instance.Dispose();
        }
    }

    private static ModelTensorInfo ToInfo(string name, NodeMetadata metadata) =>
        metadata.IsTensor
            ? new(name, (TensorDataType)(int)metadata.ElementDataType, metadata.Dimensions.Select(d => d < 0 ? -1L : d).ToArray())
            : new(name, TensorDataType.Undefined, []);
}
