using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace OrleansInference.Api.Resilience;

/// <summary>Registers the per-version circuit breakers of the API edge.</summary>
internal static class ResilienceServiceCollectionExtensions
{
    /// <summary>Adds <see cref="ResilienceOptions"/> (section <c>Resilience</c>, validated at start-up) and <see cref="VersionCircuitBreakers"/>.</summary>
    public static IServiceCollection AddVersionCircuitBreakers(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ResilienceOptions>().Bind(configuration.GetSection(ResilienceOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ResilienceOptions>, ResilienceOptionsValidator>());
        services.TryAddSingleton<VersionCircuitBreakers>();
        return services;
    }
}
