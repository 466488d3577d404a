using Microsoft.Extensions.Options;
using OrleansInference.Grid.Repository;
using OrleansInference.OnnxRuntime;

namespace OrleansInference.Grains.Execution;

/// <summary>Creates <see cref="OnnxModelRunner"/>s through the host's <see cref="OnnxSessionFactory"/>.</summary>
public sealed class OnnxModelRunnerFactory : IModelRunnerFactory
{
    private readonly OnnxSessionFactory _sessions;
    private readonly OnnxRunnerOptions _options;

    public OnnxModelRunnerFactory(OnnxSessionFactory sessions, IOptions<OnnxRunnerOptions> options)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        ArgumentNullException.ThrowIfNull(options);
        _sessions = sessions;
        _options = options.Value;
    }

    /// <inheritdoc />
    public IModelRunner Create(ModelVersionDescriptor descriptor, int instances)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentOutOfRangeException.ThrowIfLessThan(instances, 1);
        var bytes = File.ReadAllBytes(descriptor.ModelPath);
        var settings = new SessionSettings
        {
            IntraOpNumThreads = _options.IntraOpThreads,
            GraphOptimizationLevel = _options.GraphOptimizationLevel,
            ExecutionProvider = _options.ExecutionProvider,
            CudaDeviceId = _options.CudaDeviceId,
            AllowCpuFallback = _options.AllowCpuFallback,
            LogId = descriptor.Key,
        };
        return new OnnxModelRunner(_sessions, bytes, settings, instances);
    }
}
