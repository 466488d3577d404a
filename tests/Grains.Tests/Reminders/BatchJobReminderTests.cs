using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.TestingHost;
using OrleansInference.Contracts.BatchJobs;
using OrleansInference.Grains.BatchJobs;
using OrleansInference.Grid.Catalog;
using OrleansInference.Grains.Models;
using OrleansInference.Grains.Experiments;
using OrleansInference.Grains.Registry;
using OrleansInference.Grains.Reminders;
using OrleansInference.Grid.Repository;
using OrleansInference.Grid;

namespace OrleansInference.Grains.Tests.Reminders;

/// <summary>
/// The batch job grain's resume reminder on a real silo with the SQLite reminder table and no start-up resumer: a
/// reminder left in the file brings an unfinished job back and runs it, and a settled job's reminder is removed at
/// its tick.
/// </summary>
public sealed class BatchJobReminderTests : IDisposable
{
    private const string ServiceId = "batch-reminder-tests";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "oi-rem-batch-" + Guid.NewGuid().ToString("N"));
    private readonly IConfiguration _configuration;

    public BatchJobReminderTests()
    {
        _configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ModelRepository:RootPath"] = RepositoryRoot.Models(),
            ["Registry:SqlitePath"] = Path.Combine(_folder, "registry.db"),
            ["BatchJobs:DataRoot"] = Path.Combine(_folder, "input"),
            ["BatchJobs:OutputRoot"] = Path.Combine(_folder, "output"),
            ["BatchJobs:StateRoot"] = Path.Combine(_folder, "state"),
        }).Build();
    }

    [Fact]
    public async Task Reminder_OfAnUnfinishedJob_RunsItWithoutTheStartUpResumer()
    {
        // The job's input is missing, so running it fails at once with a known error: proof that the tick ran it.
        var store = Store();
        await store.CreateAsync(Job("job-r1", BatchJobState.Queued), CancellationToken.None);
        await LeaveReminderAsync("job-r1");

        await using (var harness = await StartAsync())
        {
            await harness.Table.Removed(JobGrain("job-r1"), BatchJobGrain.ResumeReminder).WaitAsync(Wait);
            await harness.Cluster.StopAllSilosAsync();
        }

        var job = await store.GetAsync("job-r1", CancellationToken.None);
        Assert.True(job is { State: BatchJobState.Failed } && job.Error!.Contains("could not be read", StringComparison.Ordinal), $"job-r1 after its reminder ticked: expected Failed on the missing input, got {job}");
        Assert.Empty(await ReadStoredAsync("job-r1"));
    }

    [Fact]
    public async Task Reminder_OfASettledJob_IsRemovedAtItsTick()
    {
        var store = Store();
        await store.CreateAsync(Job("job-r2", BatchJobState.Cancelled), CancellationToken.None);
        await LeaveReminderAsync("job-r2");

        await using (var harness = await StartAsync())
        {
            await harness.Table.Removed(JobGrain("job-r2"), BatchJobGrain.ResumeReminder).WaitAsync(Wait);
            await harness.Cluster.StopAllSilosAsync();
        }

        Assert.Equal(BatchJobState.Cancelled, (await store.GetAsync("job-r2", CancellationToken.None))?.State);
        Assert.Empty(await ReadStoredAsync("job-r2"));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private static GrainId JobGrain(string id) => GrainId.Create("batchjob", id);

    private BatchJobRecord Job(string id, BatchJobState state) => new(
        id, null, "breast-cancer", "1", Path.Combine(_folder, "input", "missing.csv"), BatchJobFormat.Csv, BatchJobFormat.Csv,
        Path.Combine(_folder, "output", id, "output.csv"), 100, null, state, DateTimeOffset.UtcNow);

    private BatchJobStore Store() => new(new BatchJobPaths(
        Options.Create(new BatchJobOptions { DataRoot = Path.Combine(_folder, "input"), OutputRoot = Path.Combine(_folder, "output"), StateRoot = Path.Combine(_folder, "state") }),
        new HostingEnvironment { ContentRootPath = _folder }));

    /// <summary>A reminder as a silo that died would have left it: due now, ticking every 2 seconds.</summary>
    private async Task LeaveReminderAsync(string jobId)
    {
        using var table = Table();
        await table.StartAsync(CancellationToken.None);
        var entry = new ReminderEntry { GrainId = JobGrain(jobId), ReminderName = BatchJobGrain.ResumeReminder, StartAt = DateTime.UtcNow, Period = TimeSpan.FromSeconds(2) };
        await table.UpsertRow(entry, CancellationToken.None);
        await table.StopAsync(CancellationToken.None);
    }

    private async Task<IList<ReminderEntry>> ReadStoredAsync(string jobId)
    {
        using var table = Table();
        await table.StartAsync(CancellationToken.None);
        var rows = await table.ReadRows(JobGrain(jobId), CancellationToken.None);
        await table.StopAsync(CancellationToken.None);
        return rows.Reminders;
    }

    private SqliteReminderTable Table() => new(
        Options.Create(new SqliteReminderTableOptions()),
        Options.Create(new RegistryOptions { SqlitePath = Path.Combine(_folder, "registry.db") }),
        Options.Create(new ClusterOptions { ServiceId = ServiceId, ClusterId = "reader" }),
        new HostingEnvironment { ContentRootPath = _folder },
        NullLogger<SqliteReminderTable>.Instance);

    private async Task<Harness> StartAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ServiceId = ServiceId;
        builder.Options.InitializeClientOnDeploy = false;
        builder.ConfigureSilo((_, silo) =>
        {
            var services = silo.Services;
            services.AddOptions<RegistryOptions>().Bind(_configuration.GetSection(RegistryOptions.SectionName));
            services.TryAddSingleton<IModelRegistry, SqliteModelRegistry>();
            services.TryAddSingleton<IExperimentStore, SqliteExperimentStore>();
            services.AddCatalogReplica(_configuration);
            services.AddBatchJobs(_configuration);
            services.Remove(services.Single(d => d.ImplementationType == typeof(BatchJobResumer)));
            services.AddSingleton<IReminderTable>(sp => new ObservedReminderTable(sp.GetRequiredService<SqliteReminderTable>()));
            silo.AddSqliteReminders(_configuration);
            // The left-over reminder ticks every 2 seconds; Orleans refuses periods under a minute by default.
            services.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        var services = cluster.Silos[0].ServiceProvider;
        await services.GetRequiredService<ModelCatalog>().ScanRepositoryAsync(CancellationToken.None);
        Assert.Equal(JobGrain("job"), services.GetRequiredService<IGrainFactory>().GetGrain<IBatchJobGrain>("job").GetGrainId());
        return new Harness(cluster, (ObservedReminderTable)services.GetRequiredService<IReminderTable>());
    }

    private sealed record Harness(InProcessTestCluster Cluster, ObservedReminderTable Table) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Cluster.DisposeAsync();
    }
}
