using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Orleans;
using Orleans.Runtime;
using Orleans.TestingHost;
using OrleansInference.Contracts.Experiments;
using OrleansInference.Grid.Catalog;
using OrleansInference.Grains.Experiments;
using OrleansInference.Grains.Models;
using OrleansInference.Grains.Registry;
using OrleansInference.Grid.Repository;
using OrleansInference.Grid;

namespace OrleansInference.Grains.Tests.Experiments;

/// <summary>
/// One Orleans silo (TestingHost) with the experiment grain over the demo model catalog, a SQLite store in
/// <see cref="Folder"/> and a fake clock that drives the grains and their timers (the silo's own maintenance runs on
/// real time). Starting a second harness over the same folder is a restart.
/// </summary>
internal sealed class ExperimentHarness : IAsyncDisposable
{
    private readonly InProcessTestCluster _cluster;

    private ExperimentHarness(InProcessTestCluster cluster, string folder, FakeTimeProvider time)
    {
        _cluster = cluster;
        Folder = folder;
        Time = time;
    }

    public string Folder { get; }

    /// <summary>The grain factory of the silo (calls from inside the silo, like the API's co-hosted ones).</summary>
    public IGrainFactory Factory => _cluster.Silos[0].ServiceProvider.GetRequiredService<IGrainFactory>();

    public FakeTimeProvider Time { get; }

    /// <param name="folder">The store's folder: a new one when null, an earlier harness's to restart it.</param>
    /// <param name="configure">Registrations made before the experiment services', e.g. a store to use instead of SQLite's.</param>
    public static async Task<ExperimentHarness> StartAsync(string? folder = null, Action<IServiceCollection>? configure = null)
    {
        folder ??= Path.Combine(Path.GetTempPath(), "oi-exp-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ModelRepository:RootPath"] = RepositoryRoot.Models(),
            ["Registry:SqlitePath"] = Path.Combine(folder, "registry.db"),
            ["Experiments:RampCheckIntervalMs"] = "3600000",
        }).Build();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.InitializeClientOnDeploy = false;
        builder.ConfigureSilo((_, silo) =>
        {
            var services = silo.Services;
            services.AddSingleton<TimeProvider>(time);
            foreach (var area in SystemClockAreas)
            {
                services.AddKeyedSingleton(area, TimeProvider.System);
            }

            services.AddOptions<ModelRepositoryOptions>().Bind(configuration.GetSection(ModelRepositoryOptions.SectionName));
            services.AddOptions<RegistryOptions>().Bind(configuration.GetSection(RegistryOptions.SectionName));
            services.TryAddSingleton<IModelRegistry, SqliteModelRegistry>();
            services.AddCatalogReplica(configuration);
            configure?.Invoke(services);
            services.AddExperiments(configuration);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        await cluster.Silos[0].ServiceProvider.GetRequiredService<ModelCatalog>().ScanRepositoryAsync(CancellationToken.None);
        return new ExperimentHarness(cluster, folder, time);
    }

    public IExperimentGrain Experiment(string id) => Factory.GetGrain<IExperimentGrain>(id);

    public async ValueTask DisposeAsync()
    {
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
    }

    public void DeleteFolder()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The silo's own loops (membership, messaging, collection, directory) stay on real time.</summary>
    private static readonly string[] SystemClockAreas =
    [
        TimeProviderNames.Messaging, TimeProviderNames.SystemTimers, TimeProviderNames.Membership,
        TimeProviderNames.ActivationManagement, TimeProviderNames.GrainDirectory,
    ];
}
