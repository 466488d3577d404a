using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Time.Testing;
using OrleansInference.Contracts.Experiments;
using OrleansInference.Contracts.Grains;
using OrleansInference.Grains.Catalog;
using OrleansInference.Grains.Experiments;
using OrleansInference.Grains.Hosting;
using OrleansInference.Grains.Registry;
using OrleansInference.Grains.Repository;

namespace OrleansInference.Grains.Tests.Experiments;

/// <summary>
/// A grain host with the experiment grain over the demo model catalog, a SQLite store in <see cref="Folder"/> and a
/// fake clock. Starting a second harness over the same folder is a restart.
/// </summary>
internal sealed class ExperimentHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private ExperimentHarness(ServiceProvider services, string folder)
    {
        _services = services;
        Folder = folder;
        Host = services.GetRequiredService<GrainHost>();
        Factory = services.GetRequiredService<IGrainFactory>();
        Time = (FakeTimeProvider)services.GetRequiredService<TimeProvider>();
    }

    public string Folder { get; }

    public GrainHost Host { get; }

    public IGrainFactory Factory { get; }

    public FakeTimeProvider Time { get; }

    /// <param name="folder">The store's folder: a new one when null, an earlier harness's to restart it.</param>
    /// <param name="configure">Registrations made before the experiment services', e.g. a store to use instead of SQLite's.</param>
    public static async Task<ExperimentHarness> StartAsync(string? folder = null, Action<IServiceCollection>? configure = null)
    {
        folder ??= Path.Combine(Path.GetTempPath(), "oi-exp-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ModelRepository:RootPath"] = ModelsRoot(),
            ["Registry:SqlitePath"] = Path.Combine(folder, "registry.db"),
            ["Experiments:RampCheckIntervalMs"] = "3600000",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        services.AddSingleton<IHostEnvironment>(new HostingEnvironment { ContentRootPath = folder });
        services.AddOptions<ModelRepositoryOptions>().Bind(configuration.GetSection(ModelRepositoryOptions.SectionName));
        services.AddOptions<RegistryOptions>().Bind(configuration.GetSection(RegistryOptions.SectionName));
        services.AddSingleton<ModelRepository>();
        services.AddSingleton<IModelRegistry, SqliteModelRegistry>();
        services.AddSingleton<ModelCatalog>();
        configure?.Invoke(services);
        services.AddExperiments(configuration);
        var provider = services.BuildServiceProvider(validateScopes: true);
        await provider.GetRequiredService<ModelCatalog>().InitializeAsync(CancellationToken.None);
        var harness = new ExperimentHarness(provider, folder);
        await harness.Host.StartAsync(CancellationToken.None);
        return harness;
    }

    public IExperimentGrain Experiment(string id) => Factory.GetGrain<IExperimentGrain>(id);

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync(CancellationToken.None);
        await _services.DisposeAsync();
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

    private static string ModelsRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrleansInference.sln")))
            {
                return Path.Combine(dir.FullName, "models");
            }
        }

        throw new InvalidOperationException($"No OrleansInference.sln above {AppContext.BaseDirectory}.");
    }
}
