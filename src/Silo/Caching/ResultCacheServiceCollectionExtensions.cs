using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansInference.Grains.Caching;

namespace OrleansInference.Silo.Caching;

/// <summary>Chooses the result cache's store: each silo's memory (the embedded default) or Redis shared by every silo.</summary>
public static class ResultCacheServiceCollectionExtensions
{
    /// <summary>
    /// Reads and validates <see cref="ResultCacheOptions"/> (a bad value stops start-up with a message naming the key)
    /// and, for the Redis store, registers <see cref="RedisPredictionStore"/> as the silo's <see cref="ISharedPredictionStore"/>.
    /// </summary>
    /// <param name="services">The silo's services.</param>
    /// <param name="configuration">The host's configuration (section <c>Cache</c>).</param>
    /// <param name="clusterRedis">The cluster's Redis (<c>Orleans:Redis</c>); empty in the embedded default.</param>
    /// <param name="serviceId">The service id; it prefixes every key.</param>
    public static IServiceCollection AddResultCacheStore(this IServiceCollection services, IConfiguration configuration, string clusterRedis, string serviceId)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection(ResultCacheOptions.SectionName).Get<ResultCacheOptions>() ?? new ResultCacheOptions();
        var selection = ResultCacheSelection.Resolve(options, clusterRedis);
        if (selection.Redis is { } redis)
        {
            services.AddSingleton(sp => new RedisPredictionStore(redis, serviceId, selection.ReadTimeout, sp.GetRequiredService<ILogger<RedisPredictionStore>>()));
            services.AddSingleton<ISharedPredictionStore>(static sp => sp.GetRequiredService<RedisPredictionStore>());
            // Created (and connecting) at start, not by the first cached version's first request.
            services.AddHostedService(static sp => sp.GetRequiredService<RedisPredictionStore>());
        }

        return services;
    }
}
