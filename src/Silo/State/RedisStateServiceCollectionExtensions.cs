using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansInference.Grains.BatchJobs;
using OrleansInference.Grains.Experiments;
using OrleansInference.Grains.Registry;

namespace OrleansInference.Silo.State;

/// <summary>Puts the grid's durable state in Redis (cluster mode).</summary>
public static class RedisStateServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Redis registry, experiment store and batch job store, ahead of the SQLite defaults that
    /// <see cref="InferenceSiloBuilderExtensions.AddInferenceGrains"/> adds only where none is registered.
    /// </summary>
    /// <param name="services">The silo's services.</param>
    /// <param name="configuration">A StackExchange.Redis configuration string (<c>Orleans:Redis</c>).</param>
    /// <param name="serviceId">The service id (<c>Orleans:ServiceId</c>); it prefixes every key.</param>
    public static IServiceCollection AddRedisState(this IServiceCollection services, string configuration, string serviceId)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        services.AddSingleton(sp => new RedisStateConnection(configuration, serviceId, sp.GetRequiredService<ILogger<RedisStateConnection>>()));
        services.AddSingleton<IModelRegistry, RedisModelRegistry>();
        services.AddSingleton<IExperimentStore, RedisExperimentStore>();
        services.AddSingleton<IBatchJobStore, RedisBatchJobStore>();
        return services;
    }
}
