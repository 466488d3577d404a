using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace OrleansInference.OnnxRuntime;

/// <summary>Registers ONNX Runtime session management with a host's services.</summary>
public static class OnnxRuntimeServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="OnnxSessionFactory"/> (which holds the process's ONNX Runtime environment) as a singleton.
    /// Uses <c>TryAdd</c>, so an earlier registration wins.
    /// </summary>
    public static IServiceCollection AddOnnxRuntime(this IServiceCollection services, Action<OrtEnvironmentOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new OrtEnvironmentOptions();
        configure?.Invoke(options);
        services.TryAddSingleton(provider => new OnnxSessionFactory(options, provider.GetService<ILogger<OnnxSessionFactory>>()));
        return services;
    }
}
