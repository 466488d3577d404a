using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using OrleansInference.Grains.Models;
using OrleansInference.Grid;
using OrleansInference.Grid.Experiments;

namespace OrleansInference.Grains.Experiments;

/// <summary>Registers experiments: the grain, its store, the directory, the prediction log and the shadow dispatcher.</summary>
public static class ExperimentServiceCollectionExtensions
{
    /// <summary>
    /// Adds experiments with <see cref="ExperimentOptions"/> bound from the <c>Experiments</c> section and validated at
    /// start-up. The store is SQLite (the registry's database) unless an <see cref="IExperimentStore"/> is registered.
    /// </summary>
    public static IServiceCollection AddExperiments(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ExperimentOptions>().Bind(configuration.GetSection(ExperimentOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IExperimentStore, SqliteExperimentStore>();
        services.AddGridCalls();
        return services.AddExperimentRouting(configuration);
    }
}
