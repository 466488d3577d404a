using OrleansInference.Contracts.Inference;

namespace OrleansInference.Grains.Execution;

/// <summary>
/// The execution instances of one loaded model version (one ONNX Runtime session each). Instances may run
/// concurrently; one instance runs one batch at a time.
/// </summary>
public interface IModelRunner : IDisposable
{
    /// <summary>The inputs the model declares, in order.</summary>
    IReadOnlyList<ModelTensorInfo> Inputs { get; }

    /// <summary>The outputs the model declares, in order.</summary>
    IReadOnlyList<ModelTensorInfo> Outputs { get; }

    /// <summary>Where the sessions run, for example <c>CPU</c> or <c>CUDA:0</c>.</summary>
    string ExecutionProvider { get; }

    /// <summary>The number of instances.</summary>
    int Instances { get; }

    /// <summary>Runs <paramref name="instance"/> on inputs in model order and returns the named outputs in that order.</summary>
    NamedTensor[] Run(int instance, ReadOnlySpan<NamedTensor> inputs, IReadOnlyList<string> outputNames, CancellationToken cancellationToken);
}
