using Microsoft.Extensions.Options;
using OrleansInference.Grains.Repository;
using OrleansInference.OnnxRuntime;

namespace OrleansInference.Grains.Execution;

/// <summary>Creates <see cref="OnnxModelRunner"/>s in the process's ONNX Runtime environment.</summary>
public sealed class OnnxModelRunnerFactory : IModelRunnerFactory
{
    private readonly OrtEnvironment _environment;
    private readonly OnnxRunnerOptions _options;

    public OnnxModelRunnerFactory(OrtEnvironment environment, IOptions<OnnxRunnerOptions> options)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(options);
        _environment = environment;
        _options = options.Value;
    }

    /// <inheritdoc />
    public IModelRunner Create(ModelVersionDescriptor descriptor, int instances)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentOutOfRangeException.ThrowIfLessThan(instances, 1);
        var bytes = File.ReadAllBytes(descriptor.ModelPath);
        var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = _options.IntraOpThreads,
            GraphOptimizationLevel = _options.GraphOptimizationLevel,
            ExecutionProvider = _options.ExecutionProvider,
            CudaDeviceId = _options.CudaDeviceId,
            LogId = descriptor.Key,
        };
        return new OnnxModelRunner(_environment, bytes, sessionOptions, instances);
    }
}
