using System.Text.Json.Nodes;

namespace OrleansInference.Api.Tests.Batch;

/// <summary>A job survives a SIGKILL of its process: the restarted process resumes from the checkpoints, and the output holds every row exactly once.</summary>
public sealed class BatchJobCrashResumeTests
{
    [Fact]
    public async Task Job_KilledMidwayAndRestarted_ResumesAndWritesEveryRowExactlyOnce()
    {
        const int rows = 100_000;
        var root = Path.Combine(Path.GetTempPath(), "oi-batch-crash-" + Guid.NewGuid().ToString("N"));
        try
        {
            var settings = ApiProcess.Prepare(root);
            settings["BatchJobs:MaxParallelChunks"] = "2";
            await BatchTestData.WriteCsvAsync(Path.Combine(root, "data", "crash.csv"), rows);
            string jobId;
            long doneAtKill;
            IReadOnlyList<ExpectedPrediction> expected;
            await using (var first = await ApiProcess.StartAsync(root, settings))
            {
                expected = await BatchTestData.PredictDirectlyAsync(first.Client, "2");
                jobId = await BatchJobClient.SubmitAcceptedAsync(first.Client, new JsonObject
                {
                    ["model"] = "breast-cancer", ["version"] = "2", ["input_uri"] = "crash.csv", ["batch_size"] = 250,
                });
                JsonNode status;
                var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
                do
                {
                    status = await BatchJobClient.GetAsync(first.Client, jobId);
                    Assert.True((string?)status["state"] is "queued" or "running", $"before the kill: expected the job queued or running, got {status.ToJsonString()}");
                    Assert.True(DateTime.UtcNow < deadline, $"before the kill: the job did not checkpoint 20 chunks within 2 minutes: {status.ToJsonString()}");
                }
                while ((int)status["chunks_done"]! < 20);

                await first.KillAsync();
                doneAtKill = (long)status["rows_done"]!;
            }

            await using var second = await ApiProcess.StartAsync(root, settings);
            var resumed = await BatchJobClient.GetAsync(second.Client, jobId);
            Assert.True((long)resumed["rows_done"]! >= doneAtKill, $"after restart: expected at least the {doneAtKill} checkpointed rows, got {resumed.ToJsonString()}");
            var final = await BatchJobClient.WaitFinalAsync(second.Client, jobId, TimeSpan.FromMinutes(2));

            Assert.True((string?)final["state"] == "succeeded", final.ToJsonString());
            Assert.Equal(rows, (long)final["rows_done"]!);
            Assert.True((long)final["rows_done"]! > doneAtKill, "the job was killed after it finished; the test proves nothing");
            BatchOutputAssert.CsvMatches((string)final["output_path"]!, rows, expected);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
