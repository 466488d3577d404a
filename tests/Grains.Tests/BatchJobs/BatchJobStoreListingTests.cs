using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansInference.Contracts.BatchJobs;
using OrleansInference.Grains.BatchJobs;

namespace OrleansInference.Grains.Tests.BatchJobs;

/// <summary>The store's listing of recent jobs, which the batch job index grain (and the operator page) reads.</summary>
public sealed class BatchJobStoreListingTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "oi-store-" + Guid.NewGuid().ToString("N"));
    private readonly BatchJobStore _store;

    public BatchJobStoreListingTests() =>
        _store = new BatchJobStore(new BatchJobPaths(Options.Create(new BatchJobOptions { StateRoot = _root }), new Environment(_root)));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task ListRecentAsync_returns_the_newest_jobs_first_up_to_the_limit()
    {
        Assert.Empty(await _store.ListRecentAsync(5, CancellationToken.None));
        foreach (var (id, minute) in new[] { ("b", 2), ("a", 1), ("d", 4), ("c", 3) })
        {
            await _store.CreateAsync(Job(id, minute), CancellationToken.None);
        }

        await _store.FinishAsync("d", BatchJobState.Succeeded, null, DateTimeOffset.UnixEpoch, CancellationToken.None);

        Assert.Equal(["d", "c", "b"], await _store.ListRecentAsync(3, CancellationToken.None));
        Assert.Equal(["d", "c", "b", "a"], await _store.ListRecentAsync(10, CancellationToken.None));
    }

    private static BatchJobRecord Job(string id, int minute) => new(
        id, null, "m", "1", "/in/x.csv", BatchJobFormat.Csv, BatchJobFormat.Csv, $"/out/{id}.csv", 100, null, BatchJobState.Queued,
        DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000).AddMinutes(minute));

    private sealed class Environment(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";

        public string ApplicationName { get; set; } = "Test";

        public string ContentRootPath { get; set; } = root;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
