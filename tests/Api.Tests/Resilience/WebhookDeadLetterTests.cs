using System.Text.Json.Nodes;
using OrleansInference.Api.Tests.Batch;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.Resilience;

/// <summary>
/// Webhook delivery through the Polly pipeline against receivers on 127.0.0.1: a receiver that fails a few times then
/// accepts gets the webhook; one that always fails gets exactly the configured attempts, and the job keeps a dead
/// letter (in its GET view, across a restart); a delivery past its total time is dead-lettered early.
/// </summary>
public sealed class WebhookDeadLetterTests
{
    [Fact]
    public async Task ReceiverFailingThreeTimes_GetsTheWebhookOnTheFourthAttempt()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: 3);
        await using var server = await StartAsync(new() { ["BatchJobs:WebhookMaxAttempts"] = "5" });

        var jobId = await SubmitAsync(server.Server, receiver.Url);
        await receiver.Accepted.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(4, receiver.Deliveries.Count);
        var job = await WaitWebhookSettledAsync(server.Server, jobId);
        Assert.Equal("delivered", (string?)job["webhook"]);
        Assert.Null(job["webhook_dead_letter"]);
    }

    [Fact]
    public async Task ReceiverAlwaysFailing_IsDeadLettered_DurablyAndVisibly()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: int.MaxValue);
        await using var server = await StartAsync(new() { ["BatchJobs:WebhookMaxAttempts"] = "3" });

        var jobId = await SubmitAsync(server.Server, receiver.Url);
        var job = await WaitWebhookSettledAsync(server.Server, jobId);

        Assert.Equal(3, receiver.Deliveries.Count);
        Assert.Equal("failed", (string?)job["webhook"]);
        var letter = job["webhook_dead_letter"] ?? throw new Xunit.Sdk.XunitException($"No webhook_dead_letter in {job.ToJsonString()}");
        Assert.Equal(receiver.Url, (string?)letter["url"]);
        Assert.Equal(3, (int)letter["attempts"]!);
        Assert.Equal("HTTP 503", (string?)letter["last_outcome"]);

        // The dead letter lives where the job's state does: a restarted server over the same folders still shows it.
        await server.RestartAsync();
        var after = await BatchJobClient.GetAsync(server.Server.Client, jobId);
        Assert.Equal("failed", (string?)after["webhook"]);
        Assert.Equal(3, (int)after["webhook_dead_letter"]!["attempts"]!);
        Assert.Equal(3, receiver.Deliveries.Count);
    }

    [Fact]
    public async Task DeliveryPastItsTotalTimeout_IsDeadLetteredBeforeItsAttemptsRunOut()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: int.MaxValue);
        await using var server = await StartAsync(new()
        {
            ["BatchJobs:WebhookMaxAttempts"] = "20",
            ["BatchJobs:WebhookInitialBackoff"] = "00:00:00.300",
            ["BatchJobs:WebhookMaxBackoff"] = "00:00:00.600",
            ["BatchJobs:WebhookTimeout"] = "00:00:00.500",
            ["BatchJobs:WebhookTotalTimeout"] = "00:00:01.500",
        });

        var jobId = await SubmitAsync(server.Server, receiver.Url);
        var job = await WaitWebhookSettledAsync(server.Server, jobId);

        var letter = job["webhook_dead_letter"]!;
        var attempts = (int)letter["attempts"]!;
        Assert.InRange(attempts, 1, 19);
        Assert.Contains("BatchJobs:WebhookTotalTimeout", (string?)letter["last_outcome"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("BatchJobs:WebhookMaxBackoff", "00:00:00.010", "BatchJobs:WebhookMaxBackoff")]
    [InlineData("BatchJobs:WebhookTotalTimeout", "00:00:01", "BatchJobs:WebhookTotalTimeout")]
    public async Task InvalidRetrySettings_StopStartUpNamingTheKey(string key, string value, string expected)
    {
        var root = Path.Combine(Path.GetTempPath(), "oi-batch-" + Guid.NewGuid().ToString("N"));
        var settings = BatchServerFixture.Settings(root);
        settings[key] = value;
        try
        {
            var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => ApiServer.StartAsync(settings: settings));
            Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    private static async Task<string> SubmitAsync(ApiServer server, string callback) =>
        await BatchJobClient.SubmitAcceptedAsync(server.Client, new JsonObject
        {
            ["model"] = "breast-cancer",
            ["inputs"] = new JsonArray(BatchTestData.Record(0)),
            ["callback_url"] = callback,
        });

    /// <summary>Polls the job until its webhook is delivered or failed (a deadline, not a sleep, bounds it).</summary>
    private static async Task<JsonNode> WaitWebhookSettledAsync(ApiServer server, string jobId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var job = await BatchJobClient.GetAsync(server.Client, jobId);
            if ((string?)job["webhook"] is "delivered" or "failed")
            {
                return job;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Job {jobId}: webhook not settled in 60 s; last view {job.ToJsonString()}");
            }

            await Task.Delay(50);
        }
    }

    private static async Task<BatchServer> StartAsync(Dictionary<string, string> overrides)
    {
        var root = Path.Combine(Path.GetTempPath(), "oi-batch-" + Guid.NewGuid().ToString("N"));
        var settings = BatchServerFixture.Settings(root);
        settings["BatchJobs:WebhookInitialBackoff"] = "00:00:00.020";
        settings["BatchJobs:WebhookMaxBackoff"] = "00:00:00.200";
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        return new BatchServer(root, settings, await ApiServer.StartAsync(settings: settings));
    }

    /// <summary>A server over private batch folders, restartable over the same state.</summary>
    private sealed class BatchServer(string root, Dictionary<string, string> settings, ApiServer server) : IAsyncDisposable
    {
        public ApiServer Server { get; private set; } = server;

        public async Task RestartAsync()
        {
            await Server.StopAsync();
            Server = await ApiServer.StartAsync(settings: settings, directory: Server.Directory);
        }

        public async ValueTask DisposeAsync()
        {
            await Server.DisposeAsync();
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
