using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansInference.Contracts.BatchJobs;
using OrleansInference.Grains.BatchJobs;

namespace OrleansInference.Grains.Tests.BatchJobs;

public sealed class BatchJobStoreTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "oi-store-" + Guid.NewGuid().ToString("N"));
    private readonly BatchJobStore _store;

    public BatchJobStoreTests() =>
        _store = new BatchJobStore(new BatchJobPaths(Options.Create(new BatchJobOptions { StateRoot = _root }), new Environment(_root)));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task CreateAsync_with_a_used_idempotency_key_returns_the_first_job()
    {
        var (first, created) = await _store.CreateAsync(Job("a", "key-1"), CancellationToken.None);
        var (second, createdAgain) = await _store.CreateAsync(Job("b", "key-1"), CancellationToken.None);

        Assert.True(created);
        Assert.False(createdAgain);
        Assert.Equal("a", second.Id);
        Assert.Equal(first, second);
        Assert.Null(await _store.GetAsync("b", CancellationToken.None));
    }

    [Fact]
    public async Task CreateAsync_refuses_a_second_job_writing_the_same_output_and_IsOutputTaken_sees_outputs_and_errors_files()
    {
        await _store.CreateAsync(Job("a", null), CancellationToken.None);

        await Assert.ThrowsAsync<BatchOutputTakenException>(() => _store.CreateAsync(Job("b", null) with { OutputPath = "/out/a.csv" }, CancellationToken.None));
        Assert.True(await _store.IsOutputTakenAsync("/out/a.csv", "/out/a.errors.csv", CancellationToken.None));
        Assert.True(await _store.IsOutputTakenAsync("/out/a.errors.csv", "/out/a.errors.errors.csv", CancellationToken.None));
        Assert.False(await _store.IsOutputTakenAsync("/out/c.csv", "/out/c.errors.csv", CancellationToken.None));
        Assert.Null(await _store.GetAsync("b", CancellationToken.None));
    }

    [Fact]
    public async Task Checkpoints_are_idempotent_and_unfinished_jobs_are_resumable()
    {
        await _store.CreateAsync(Job("a", null), CancellationToken.None);
        await _store.CreateAsync(Job("b", null), CancellationToken.None);
        await _store.MarkRunningAsync("a", 10, 2, DateTimeOffset.UnixEpoch, CancellationToken.None);
        await _store.CheckpointAsync("a", new ChunkCheckpoint(1, 5, 1), CancellationToken.None);
        await _store.CheckpointAsync("a", new ChunkCheckpoint(1, 5, 3), CancellationToken.None);
        await _store.FinishAsync("b", BatchJobState.Succeeded, null, DateTimeOffset.UnixEpoch, CancellationToken.None);

        Assert.Equal([new ChunkCheckpoint(1, 5, 1)], await _store.GetCheckpointsAsync("a", CancellationToken.None));
        Assert.Equal(["a"], await _store.ListResumableAsync(CancellationToken.None));
        var a = await _store.GetAsync("a", CancellationToken.None);
        Assert.Equal((BatchJobState.Running, 10L, 2), (a!.State, a.RowsTotal!.Value, a.ChunksTotal!.Value));
    }

    private static BatchJobRecord Job(string id, string? key) => new(
        id, key, "m", "1", "/in/x.csv", BatchJobFormat.Csv, BatchJobFormat.Csv, $"/out/{id}.csv", 100, null, BatchJobState.Queued,
        DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));

    private sealed class Environment(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";

        public string ApplicationName { get; set; } = "Test";

        public string ContentRootPath { get; set; } = root;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
