using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans;
using OrleansInference.Contracts.Models;
using OrleansInference.Grid.Catalog;
using OrleansInference.Grid.Experiments;
using OrleansInference.Grid.Repository;

namespace OrleansInference.Grid;

/// <summary>Registers what every node runs at the grid's edge, on a silo or a pure cluster client alike.</summary>
public static class GridServiceCollectionExtensions
{
    /// <summary>
    /// Adds this node's <see cref="ModelCatalog"/> replica and the <see cref="CatalogReplicator"/> that keeps it current,
    /// with <c>ModelRepository</c> options to place the shared repository's files. Safe to call repeatedly.
    /// </summary>
    public static IServiceCollection AddCatalogReplica(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(ModelCatalog)))
        {
            return services;
        }

        services.AddOptions<ModelRepositoryOptions>().Bind(configuration.GetSection(ModelRepositoryOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ModelRepositoryOptions>, ModelRepositoryOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ModelRepository>();
        services.AddSingleton<ModelCatalog>();
        services.AddSingleton<CatalogReplicator>();
        services.AddSingleton<IHostedService>(static sp => sp.GetRequiredService<CatalogReplicator>());
        return services;
    }

    /// <summary>
    /// Adds what routes requests through experiments on the node that serves them: the directory of active experiments
    /// (from the catalog replica), the prediction log, the shadow dispatcher and the router, with
    /// <see cref="ExperimentOptions"/> bound from the <c>Experiments</c> section. A silo registers its
    /// <see cref="GridCalls"/> (with its local serving directory) first; elsewhere grid calls are grain calls. Safe to
    /// call repeatedly.
    /// </summary>
    public static IServiceCollection AddExperimentRouting(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(ExperimentRouter)))
        {
            return services;
        }

        services.AddOptions<ExperimentOptions>().Bind(configuration.GetSection(ExperimentOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.AddCatalogReplica(configuration);
        services.TryAddSingleton<ExperimentDirectory>();
        services.TryAddSingleton<ExperimentMeter>();
        services.TryAddSingleton<PredictionLog>();
        services.TryAddSingleton<ReplicaRouter>();
        services.TryAddSingleton(static sp => new GridCalls(sp.GetRequiredService<IGrainFactory>(), local: null, replicas: sp.GetRequiredService<ReplicaRouter>()));
        services.TryAddSingleton<ShadowDispatcher>();
        services.AddSingleton<IHostedService>(static sp => sp.GetRequiredService<ShadowDispatcher>());
        services.TryAddSingleton<ExperimentRouter>();
        return services;
    }
}
