using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansInference.Contracts.Models;
using OrleansInference.Grains.Batching;
using OrleansInference.Grid.Catalog;
using OrleansInference.Grains.Execution;
using OrleansInference.Grains.Generation;
using OrleansInference.Grains.Registry;
using OrleansInference.Grid.Repository;
using OrleansInference.Grains.Telemetry;
using OrleansInference.Grid;
using OrleansInference.OnnxRuntime;

namespace OrleansInference.Grains.Models;

/// <summary>Registers what the model grains need on a silo: repository, registry, catalog, ONNX Runtime runners and the local serving directory.</summary>
public static class ModelServiceCollectionExtensions
{
    /// <summary>
    /// Adds the model grains and what they need, with options bound from <paramref name="configuration"/>
    /// (<c>ModelRepository</c>, <c>Registry</c>, <c>Models</c>, <c>OnnxRuntime</c>) and validated at start-up.
    /// The registry is SQLite unless an <see cref="IModelRegistry"/> is already registered.
    /// </summary>
    public static IServiceCollection AddModelServing(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ModelRepositoryOptions>().Bind(configuration.GetSection(ModelRepositoryOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RegistryOptions>().Bind(configuration.GetSection(RegistryOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ModelGrainOptions>().Bind(configuration.GetSection(ModelGrainOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<BatchFlushOptions>().Bind(configuration.GetSection(BatchFlushOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<GenerationOptions>().Bind(configuration.GetSection(GenerationOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<OnnxRunnerOptions>().Bind(configuration.GetSection(OnnxRunnerOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OnnxRunnerOptions>, OnnxRunnerOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<ServingMetrics>();
        // In-memory per silo unless the host registered a shared store (cluster mode: Redis).
        services.TryAddSingleton<Caching.PredictionCacheFactory>();
        services.TryAddSingleton<GenerationMetrics>();
        services.AddOptions<GpuMetricsOptions>().Bind(configuration.GetSection(GpuMetricsOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GpuMetricsOptions>, GpuMetricsOptionsValidator>());
        services.TryAddSingleton<GpuMetrics>();
        services.TryAddSingleton<ModelRepository>();
        services.TryAddSingleton<IModelRegistry, SqliteModelRegistry>();
        // The catalog grain reads which experiments are active; experiments share the registry's database.
        services.TryAddSingleton<Experiments.IExperimentStore, Experiments.SqliteExperimentStore>();
        services.AddCatalogReplica(configuration);
        services.AddOnnxRuntime();
        services.TryAddSingleton<IModelRunnerFactory, OnnxModelRunnerFactory>();

        services.AddGridCalls();

        // A version's replicas live on the silos their keys name (cluster clients spread calls over them).
        services.AddPlacementDirector<ReplicaSilosPlacement, ReplicaSilosPlacementDirector>();
        return services;
    }

    /// <summary>
    /// Adds the silo's <see cref="LocalServingDirectory"/> (as <see cref="ILocalServingDirectory"/> too) and the
    /// <see cref="GridCalls"/> that use it unless <see cref="ModelGrainOptions.LocalShortcuts"/> is off. Safe to call repeatedly.
    /// </summary>
    public static IServiceCollection AddGridCalls(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ModelGrainOptions>();
        services.TryAddSingleton<LocalServingDirectory>();
        services.TryAddSingleton<ILocalServingDirectory>(static sp => sp.GetRequiredService<LocalServingDirectory>());
        services.TryAddSingleton(static sp => new GridCalls(
            sp.GetRequiredService<IGrainFactory>(),
            sp.GetRequiredService<IOptions<ModelGrainOptions>>().Value.LocalShortcuts ? sp.GetRequiredService<LocalServingDirectory>() : null));
        return services;
    }
}
