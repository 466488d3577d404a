using Microsoft.Extensions.Options;
using OrleansInference.Grid.Repository;
using OrleansInference.OnnxRuntime;

namespace OrleansInference.Grains.Execution;

/// <summary>
/// Creates <see cref="OnnxModelRunner"/>s through the host's <see cref="OnnxSessionFactory"/>, with the silo's
/// <see cref="OnnxRunnerOptions"/> and the version's own <c>execution_provider</c> and <c>cuda_device_id</c> over them.
/// </summary>
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
            ExecutionProvider = ProviderFor(descriptor.Config),
            CudaDeviceId = descriptor.Config.CudaDeviceId ?? _options.CudaDeviceId,
            AllowCpuFallback = _options.AllowCpuFallback,
            LogId = descriptor.Key,
        };
        return new OnnxModelRunner(_sessions, bytes, settings, instances);
    }

    /// <summary>The version's own <c>execution_provider</c> (validated with its config), else the silo's.</summary>
    private ExecutionProviderKind ProviderFor(ModelConfig config) => config.ExecutionProvider switch
    {
        null => _options.ExecutionProvider,
        var p when string.Equals(p, "cuda", StringComparison.OrdinalIgnoreCase) => ExecutionProviderKind.Cuda,
        _ => ExecutionProviderKind.Cpu,
    };
}
