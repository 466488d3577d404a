using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansInference.Grains.BatchJobs;
using OrleansInference.Grains.Experiments;
using OrleansInference.Grains.Models;

namespace OrleansInference.Silo;

/// <summary>Composes a silo inside a host: the serving core plus start-up loading of the serving versions.</summary>
public static class SiloServiceCollectionExtensions
{
    /// <summary>Adds the silo. The API process calls this to co-host one (the embedded default).</summary>
    public static IServiceCollection AddInferenceSilo(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddModelServing(configuration);
        services.AddExperiments(configuration);
        services.AddSingleton<SiloStartup>();
        services.AddSingleton<IHostedService>(static sp => sp.GetRequiredService<SiloStartup>());
        services.AddBatchJobs(configuration);
        return services;
    }
}
