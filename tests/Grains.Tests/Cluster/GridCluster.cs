using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;
using Orleans.TestingHost;
using OrleansInference.Contracts.Models;
using OrleansInference.Grains.Models;
using OrleansInference.Silo;

namespace OrleansInference.Grains.Tests.Cluster;

/// <summary>
/// A TestingHost cluster of silos composed as the grid composes them (<see cref="InferenceSiloBuilderExtensions.AddInferenceGrains"/>),
/// sharing one model repository and one SQLite registry in a temporary folder, and a cluster client.
/// </summary>
internal sealed class GridCluster : IAsyncDisposable
{
    private readonly string _folder;

    private GridCluster(InProcessTestCluster cluster, string folder)
    {
        Cluster = cluster;
        _folder = folder;
    }

    public InProcessTestCluster Cluster { get; }

    /// <summary>The external client (calls enter through a silo's gateway, as another process's would).</summary>
    public IClusterClient Client => Cluster.Client;

    /// <summary>Starts <paramref name="silos"/> silos; <paramref name="settings"/> adds to or overrides the grid's test configuration.</summary>
    public static async Task<GridCluster> StartAsync(int silos, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "oi-cluster-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var values = new Dictionary<string, string?>
        {
            ["ModelRepository:RootPath"] = RepositoryRoot.Models(),
            ["ModelRepository:LoadProductionModelsAtStartup"] = "false",
            ["Registry:SqlitePath"] = Path.Combine(folder, "registry.db"),
            ["BatchJobs:DataRoot"] = Path.Combine(folder, "input"),
            ["BatchJobs:OutputRoot"] = Path.Combine(folder, "output"),
            ["BatchJobs:StateRoot"] = Path.Combine(folder, "state"),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.ConfigureSilo((_, silo) => silo.AddInferenceGrains(configuration));
        var cluster = builder.Build();
        await cluster.DeployAsync();

        // Each silo scans the repository into the catalog once it is active; calls before that find no versions.
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!cluster.Silos.All(s => s.ServiceProvider.GetRequiredService<IStartupProgress>().IsCompleted))
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException("The silos' start-up (catalog scan) did not finish within 60 s.");
            }

            await Task.Delay(20);
        }

        return new GridCluster(cluster, folder);
    }

    /// <summary>The silos on which an activation of grain type <paramref name="grainType"/> (e.g. <c>modelversion</c>) with key <paramref name="key"/> lives now.</summary>
    public async Task<IReadOnlyList<SiloAddress>> SilosHostingAsync(string grainType, string key)
    {
        var statistics = await Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        return [.. statistics
            .Where(s => s.GrainId.Type.ToString() == grainType && s.GrainId.Key.ToString() == key)
            .Select(s => s.SiloAddress)
            .Distinct()];
    }

    /// <summary>
    /// The silos where the owner of version <paramref name="versionKey"/> has it loaded (its silo-local serving entry;
    /// stateless-worker activations do not appear in the management grain's statistics).
    /// </summary>
    public IReadOnlyList<SiloAddress> SilosServing(string versionKey) =>
        [.. Cluster.Silos.Where(s => s.ServiceProvider.GetRequiredService<LocalServingDirectory>().TryGetVersion(versionKey, out _)).Select(s => s.SiloAddress)];

    public InProcessSiloHandle Silo(SiloAddress address) =>
        Cluster.Silos.Single(s => s.SiloAddress.Equals(address));

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
