using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansInference.Contracts.Grains;

namespace OrleansInference.Grains.Hosting;

/// <summary>Registers the grain host and grain classes.</summary>
public static class GrainHostServiceCollectionExtensions
{
    /// <summary>
    /// Adds the grain host as <see cref="IGrainFactory"/> and as a hosted service, with validated
    /// <see cref="GrainCollectionOptions"/> and <see cref="TimeProvider.System"/> unless one is registered. Safe to call repeatedly.
    /// </summary>
    public static IServiceCollection AddGrainHost(this IServiceCollection services, Action<GrainCollectionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<GrainCollectionOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (services.Any(d => d.ServiceType == typeof(GrainHost)))
        {
            return services;
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GrainCollectionOptions>, GrainCollectionOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<GrainHost>();
        services.TryAddSingleton<IGrainFactory>(static sp => sp.GetRequiredService<GrainHost>());
        services.AddSingleton<IHostedService>(static sp => sp.GetRequiredService<GrainHost>());
        return services;
    }

    /// <summary>
    /// Serves <typeparamref name="TGrainInterface"/> with <typeparamref name="TGrainClass"/>; <paramref name="referenceFactory"/>
    /// wraps the host's <see cref="GrainReference{TGrain}"/> in the interface's hand-written reference. Adds the grain host
    /// if needed. A later registration of the same interface replaces an earlier one.
    /// </summary>
    public static IServiceCollection AddGrain<TGrainInterface, TGrainClass>(
        this IServiceCollection services, Func<GrainReference<TGrainClass>, TGrainInterface> referenceFactory)
        where TGrainInterface : class, IGrainWithStringKey
        where TGrainClass : Grain, TGrainInterface
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddGrainHost();
        services.AddSingleton(GrainRegistration.Create(referenceFactory));
        return services;
    }
}
