using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.TestingHost;
using OrleansInference.Grains.Registry;
using OrleansInference.Grains.Reminders;

namespace OrleansInference.Grains.Tests.Reminders;

/// <summary>
/// Reminders through the SQLite table on real silos: a reminder registered in one cluster is in the file after the
/// cluster stops, and a second cluster started over the same file loads it and delivers its ticks.
/// </summary>
public sealed class SqliteReminderClusterTests : IDisposable
{
    private const string ServiceId = "reminder-tests";
    private static readonly TimeSpan TickWait = TimeSpan.FromSeconds(30);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "oi-rem-cluster-" + Guid.NewGuid().ToString("N"));

    private string DatabasePath => Path.Combine(_folder, "reminders.db");

    [Fact]
    public async Task Reminder_RegisteredBeforeASiloRestart_FiresInTheRestartedClusterOverTheSameFile()
    {
        // The first due time is past the first cluster's life, so the tick can only come from the second one.
        var first = new ReminderTicks();
        await using (var cluster = await StartClusterAsync(first))
        {
            await Factory(cluster).GetGrain<IReminderProbeGrain>("job-1").RegisterAsync("resume", TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(2));
            await cluster.StopAllSilosAsync();
        }

        Assert.False(first.First.IsCompleted, "the first cluster ticked before it stopped; the restart proves nothing");
        var stored = await ReadStoredAsync(GrainId.Create("reminderprobe", "job-1"));
        Assert.True(stored.Count == 1 && stored[0].ReminderName == "resume", $"after stopping the first cluster: expected reminder 'resume' of job-1 in {DatabasePath}, found {stored.Count}");

        var second = new ReminderTicks();
        await using (var cluster = await StartClusterAsync(second))
        {
            var tick = await second.First.WaitAsync(TickWait);
            Assert.Equal("job-1/resume", tick);
            await cluster.StopAllSilosAsync();
        }
    }

    [Fact]
    public async Task Reminder_UnregisteredBeforeARestart_IsGoneFromTheFile()
    {
        await using (var cluster = await StartClusterAsync(new ReminderTicks()))
        {
            var grain = Factory(cluster).GetGrain<IReminderProbeGrain>("job-2");
            await grain.RegisterAsync("resume", TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10));
            Assert.Single(await ReadStoredAsync(GrainId.Create("reminderprobe", "job-2")));
            await grain.UnregisterAsync("resume");
            await cluster.StopAllSilosAsync();
        }

        Assert.Empty(await ReadStoredAsync(GrainId.Create("reminderprobe", "job-2")));
    }

    [Fact]
    public async Task Silo_WithAFolderAsTheReminderFile_DoesNotStartAndNamesTheKey()
    {
        Directory.CreateDirectory(_folder);
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var cluster = await StartClusterAsync(new ReminderTicks(), _folder);
        });

        Assert.Contains("Reminders:SqlitePath", error.ToString(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private static IGrainFactory Factory(InProcessTestCluster cluster) => cluster.Silos[0].ServiceProvider.GetRequiredService<IGrainFactory>();

    private async Task<InProcessTestCluster> StartClusterAsync(ReminderTicks ticks, string? databasePath = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Reminders:SqlitePath"] = databasePath ?? DatabasePath,
        }).Build();
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ServiceId = ServiceId;
        builder.Options.InitializeClientOnDeploy = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddSqliteReminders(configuration);
            // Orleans refuses periods under a minute by default; the test's reminder ticks every two seconds.
            silo.Services.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            silo.Services.AddSingleton(ticks);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    /// <summary>The file's rows for <paramref name="grain"/>, read by a table of its own, as another process would.</summary>
    private async Task<IList<ReminderEntry>> ReadStoredAsync(GrainId grain)
    {
        using var table = new SqliteReminderTable(
            Options.Create(new SqliteReminderTableOptions { SqlitePath = DatabasePath }),
            Options.Create(new RegistryOptions()),
            Options.Create(new ClusterOptions { ServiceId = ServiceId, ClusterId = "reader" }),
            new HostingEnvironment { ContentRootPath = _folder },
            NullLogger<SqliteReminderTable>.Instance);
        await table.StartAsync(CancellationToken.None);
        var rows = await table.ReadRows(grain, CancellationToken.None);
        await table.StopAsync(CancellationToken.None);
        return rows.Reminders;
    }
}
