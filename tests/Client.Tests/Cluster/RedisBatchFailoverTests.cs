using System.Diagnostics;
using System.Net;
using OrleansInference.Client.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansInference.Client.Tests.Cluster;

/// <summary>
/// A batch job survives the loss of the silo that holds its grain: with its state and checkpoints in Redis, the next
/// status read (or its resume reminder) activates it on the other silo, which finishes it from its checkpoints; the
/// output is byte for byte the output of a clean run of the same job (real redis-server with AOF, two silos and an API node as OS processes).
/// </summary>
public sealed class RedisBatchFailoverTests(ITestOutputHelper output) : RedisStateTestBase("oi-failover-")
{
    private const int Rows = 40_000;
    private const int ChunkRows = 400;

    /// <summary>A clean run's bound on a loaded machine.</summary>
    private static readonly TimeSpan CleanBound = TimeSpan.FromSeconds(90);

    /// <summary>Death declared in ~3 s and the job resumed on the next status read, then the rest of the job (the reminder, within a minute, is the fallback).</summary>
    private static readonly TimeSpan ResumeBound = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task KillingTheJobGrainsSilo_MidJob_FinishesOnTheOtherSilo_WithTheCleanRunsOutput()
    {
        // One chunk at a time, so the job is still running when its silo is killed.
        string[] serial = ["--BatchJobs:MaxParallelChunks=1"];
        var silos = new List<ClusterProcess> { await Nodes.StartSiloAsync(serial), await Nodes.StartSiloAsync(serial) };
        Owned.AddRange(silos);
        var api = await Nodes.StartApiNodeAsync();
        Owned.Add(api);
        using var http = new HttpClient { BaseAddress = api.Address, Timeout = TimeSpan.FromSeconds(15) };
        await Nodes.WriteCsvAsync("rows.csv", Rows);
        string Diagnostics() => string.Join("\n", silos.Select((s, i) => $"Silo {i}:\n{s.Output}")) + $"\nAPI:\n{api.Output}";

        var clean = Stopwatch.StartNew();
        var cleanId = await SubmitAcceptedAsync(http, "clean.csv");
        var cleanStatus = await RedisStateNodes.WaitFinalAsync(http, cleanId, CleanBound, Diagnostics);
        Assert.True((string?)cleanStatus["state"] == "succeeded", cleanStatus.ToJsonString());
        output.WriteLine($"Clean run: {clean.Elapsed.TotalSeconds:F1} s.");

        var jobId = await SubmitAcceptedAsync(http, "failover.csv");
        var holder = await JobHolderAsync(silos, jobId, http);
        var before = await RedisStateNodes.StatusAsync(http, jobId);
        holder.Kill();
        var killed = Stopwatch.StartNew();
        Assert.True((string?)before?["state"] == "running", $"The job was not running when its silo was killed: {before?.ToJsonString()}");

        var status = await RedisStateNodes.WaitFinalAsync(http, jobId, ResumeBound, Diagnostics);
        output.WriteLine($"Killed at {(long)before!["rows_done"]!} of {Rows} rows; final {killed.Elapsed.TotalSeconds:F1} s after the kill.");
        Assert.True((string?)status["state"] == "succeeded", status.ToJsonString() + "\n" + Diagnostics());
        Assert.Equal(Rows, (long)status["rows_done"]!);

        var expected = await File.ReadAllBytesAsync((string)cleanStatus["output_path"]!);
        var actual = await File.ReadAllBytesAsync((string)status["output_path"]!);
        Assert.Equal(Rows + 1, CountLines(expected));
        Assert.True(expected.AsSpan().SequenceEqual(actual), $"The resumed job's output ({actual.Length} bytes) differs from the clean run's ({expected.Length} bytes).");
    }

    /// <summary>Waits until one silo logs that it runs the job and the job has checkpointed a chunk; returns that silo.</summary>
    private static async Task<ClusterProcess> JobHolderAsync(IReadOnlyList<ClusterProcess> silos, string jobId, HttpClient http)
    {
        var until = DateTime.UtcNow + CleanBound;
        while (true)
        {
            var holder = silos.FirstOrDefault(s => s.Output.Contains($"Batch job {jobId} running", StringComparison.Ordinal));
            var status = await RedisStateNodes.StatusAsync(http, jobId);
            if (holder is not null && status is not null && (long?)status["rows_done"] > 0)
            {
                return holder;
            }

            Assert.True(DateTime.UtcNow < until, $"Job {jobId} did not start: {status?.ToJsonString()}");
            await Task.Delay(20);
        }
    }

    private static async Task<string> SubmitAcceptedAsync(HttpClient http, string outputName)
    {
        var (status, body, _) = await RedisStateNodes.SubmitAsync(http, "rows.csv", outputName, ChunkRows);
        Assert.True(status == HttpStatusCode.Accepted, $"Submit: {(int)status} {body?.ToJsonString()}");
        return (string)body!["job_id"]!;
    }

    private static int CountLines(byte[] bytes) => bytes.Count(b => b == (byte)'\n');
}
