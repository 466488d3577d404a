using System.Net;
using System.Text.Json.Nodes;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.Batch;

/// <summary>
/// Job inputs and outputs expire by <c>BatchJobs:Retention</c>: after it, the sweep removes the job's output,
/// rejected rows and working folder, the job reads as expired and its downloads answer 410, never 500. A retention
/// out of range stops start-up naming the key.
/// </summary>
public sealed class BatchRetentionTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "oi-batch-retention-" + Guid.NewGuid().ToString("N"));
    private ApiServer _server = null!;

    public async Task InitializeAsync()
    {
        var settings = BatchServerFixture.Settings(_root);
        settings["BatchJobs:Retention"] = "00:00:05";
        settings["BatchJobs:RetentionSweepPeriod"] = "00:00:00.200";
        _server = await ApiServer.StartAsync(settings: settings);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task FinishedJob_ExpiresAfterRetention_FilesRemovedAndDownloadsGone()
    {
        var id = await BatchJobClient.SubmitAcceptedAsync(_server.Client, new JsonObject
        {
            ["model"] = "iris",
            ["inputs"] = new JsonArray(new JsonArray(5.1, 3.5, 1.4, 0.2), new JsonArray(6.7, 3.0, 5.2, 2.3)),
        });
        var done = await BatchJobClient.WaitFinalAsync(_server.Client, id, TimeSpan.FromSeconds(60));
        Assert.Equal("succeeded", (string?)done["state"]);
        var output = (string)done["output_path"]!;
        var work = Path.Combine(_root, "state", "jobs", id);
        Assert.True(File.Exists(output), $"output {output} missing right after the job succeeded");

        // Expired within the retention plus a generous margin for a loaded machine.
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        JsonNode status;
        do
        {
            await Task.Delay(200);
            status = await BatchJobClient.GetAsync(_server.Client, id);
        }
        while ((string?)status["state"] != "expired" && DateTime.UtcNow < until);

        Assert.True((string?)status["state"] == "expired", $"job {id} not expired after its retention: {status.ToJsonString()}");
        Assert.NotNull((string?)status["expired_at"]);
        Assert.Null((string?)status["output_url"]);
        Assert.False(File.Exists(output), $"expired job {id} left its output {output}");
        Assert.False(File.Exists(Path.ChangeExtension(output, null) + ".errors" + Path.GetExtension(output)), "expired job left its errors file");
        Assert.False(Directory.Exists(work), $"expired job {id} left its working folder {work}");

        foreach (var download in new[] { "output", "errors" })
        {
            using var response = await _server.Client.GetAsync($"api/v1/batch/{id}/{download}");
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Gone, $"{download} of an expired job: expected 410, got {(int)response.StatusCode}: {text}");
            Assert.Contains("BatchJobs:Retention", text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("BatchJobs:Retention", "00:00:00")]
    [InlineData("BatchJobs:RetentionSweepPeriod", "2.00:00:00")]
    public async Task RetentionOutOfRange_StopsStartUp_NamingTheKey(string key, string value)
    {
        var root = Path.Combine(Path.GetTempPath(), "oi-batch-retention-bad-" + Guid.NewGuid().ToString("N"));
        var settings = BatchServerFixture.Settings(root);
        settings[key] = value;
        try
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(async () => await (await ApiServer.StartAsync(settings: settings)).DisposeAsync());
            Assert.Contains(key, error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
