using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansInference.Contracts.BatchJobs;
using OrleansInference.Grains.Models;

namespace OrleansInference.Grains.BatchJobs;

/// <summary>Registers batch inference jobs.</summary>
public static class BatchJobServiceCollectionExtensions
{
    /// <summary>
    /// Adds the batch job grain, its store, submitter, webhook sender, the start-up resumer and the retention sweeper, with
    /// <see cref="BatchJobOptions"/> bound from the <c>BatchJobs</c> section and validated at start-up.
    /// Needs the model serving core (<c>AddModelServing</c>). The store is SQLite unless an <see cref="IBatchJobStore"/>
    /// is registered first (cluster mode registers Redis).
    /// </summary>
    public static IServiceCollection AddBatchJobs(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<BatchJobOptions>().Bind(configuration.GetSection(BatchJobOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BatchJobOptions>, BatchJobOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<BatchJobPaths>();
        services.TryAddSingleton<BatchJobStore>();
        services.TryAddSingleton<IBatchJobStore>(static sp => sp.GetRequiredService<BatchJobStore>());
        services.TryAddSingleton<CallbackAddressPolicy>();
        services.TryAddSingleton<BatchWebhookSender>();
        services.AddGridCalls();
        services.TryAddSingleton<BatchChunkProcessor>();
        services.TryAddSingleton<BatchJobSubmitter>();
        services.AddSingleton<IHostedService, BatchJobResumer>();
        services.AddSingleton<IHostedService, BatchJobRetentionSweeper>();
        return services;
    }
}
