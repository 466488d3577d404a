using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace OrleansInference.OnnxRuntime;

/// <summary>Registers the ONNX Runtime environment with a host's services.</summary>
public static class OnnxRuntimeServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="OrtEnvironment"/> as a singleton (the container disposes it at shutdown).
    /// Uses <c>TryAdd</c>, so an earlier registration wins.
    /// </summary>
    public static IServiceCollection AddOnnxRuntime(this IServiceCollection services, Action<OrtEnvironmentOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new OrtEnvironmentOptions();
        configure?.Invoke(options);
        services.TryAddSingleton(provider => new OrtEnvironment(options, provider.GetService<ILogger<OrtEnvironment>>()));
        return services;
    }
}
