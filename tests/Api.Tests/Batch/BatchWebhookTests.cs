using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.Batch;

/// <summary>Completion webhooks: signed, retried with backoff until accepted, and refused for private hosts by default.</summary>
public sealed class BatchWebhookTests(BatchServerFixture fixture) : IClassFixture<BatchServerFixture>
{
    [Fact]
    public async Task Webhook_FailingTwice_IsRetriedWithBackoffAndSigned()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: 2);

        var jobId = await BatchJobClient.SubmitAcceptedAsync(fixture.Client, new JsonObject
        {
            ["model"] = "breast-cancer",
            ["inputs"] = new JsonArray(BatchTestData.Record(0), BatchTestData.Record(1)),
            ["callback_url"] = receiver.Url,
        });
        var accepted = await receiver.Accepted.WaitAsync(TimeSpan.FromSeconds(30));

        var attempts = receiver.Deliveries.ToArray();
        Assert.Equal(3, attempts.Length);
        // Retries wait (jittered exponential backoff from 50 ms): each attempt arrives after the one before.
        Assert.True(attempts[1].ReceivedAt > attempts[0].ReceivedAt && attempts[2].ReceivedAt > attempts[1].ReceivedAt, "attempts out of order");
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(BatchServerFixture.Secret), accepted.Body));
        Assert.All(attempts, a => Assert.Equal(expected, a.Signature));
        var body = JsonNode.Parse(accepted.Body)!;
        Assert.Equal(jobId, (string?)body["job_id"]);
        Assert.Equal("succeeded", (string?)body["state"]);
        Assert.Equal(2, (long)body["rows_done"]!);
        Assert.EndsWith("output.jsonl", (string)body["output_path"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_CancelledJob_IsDeliveredWithTheFinalState()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: 0);
        await BatchTestData.WriteCsvAsync(Path.Combine(fixture.DataRoot, "hook-cancel.csv"), 5_000);

        var jobId = await BatchJobClient.SubmitAcceptedAsync(fixture.Client, new JsonObject
        {
            ["model"] = "breast-cancer", ["input_uri"] = "hook-cancel.csv", ["batch_size"] = 1, ["callback_url"] = receiver.Url,
        });
        using var cancel = await fixture.Client.DeleteAsync($"api/v1/batch/{jobId}");
        var accepted = await receiver.Accepted.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("cancelled", (string?)JsonNode.Parse(accepted.Body)!["state"]);
    }

    [Fact]
    public async Task Webhook_PrivateHostsWithDefaultConfig_AreRefusedWith400()
    {
        var root = Path.Combine(Path.GetTempPath(), "oi-batch-" + Guid.NewGuid().ToString("N"));
        var settings = BatchServerFixture.Settings(root, allowPrivate: false);
        settings.Remove("BatchJobs:WebhookInitialBackoff");
        settings.Remove("BatchJobs:MaxErrorsFraction");
        await using var server = await ApiServer.StartAsync(settings: settings);
        try
        {
            foreach (var (callback, address) in new[]
            {
                ("http://127.0.0.1:9/hook", "127.0.0.1"),
                ("http://localhost:9/hook", "resolves to"),
                ("http://10.1.2.3/hook", "10.1.2.3"),
                ("http://192.168.0.1/hook", "192.168.0.1"),
                ("http://169.254.169.254/latest/meta-data", "169.254.169.254"),
                ("http://[::1]:9/hook", "::1"),
            })
            {
                var (response, json) = await BatchJobClient.SubmitAsync(server.Client, new JsonObject
                {
                    ["model"] = "breast-cancer", ["inputs"] = new JsonArray(BatchTestData.Record(0)), ["callback_url"] = callback,
                });

                using (response)
                {
                    var detail = (string?)json["detail"] ?? json.ToJsonString();
                    Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{callback}: expected 400, got {(int)response.StatusCode} {detail}");
                    Assert.True(detail.Contains("refused", StringComparison.Ordinal) && detail.Contains(address, StringComparison.Ordinal), $"{callback}: {detail}");
                }
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Webhook_HostNotOnTheAllowList_IsRefused()
    {
        var root = Path.Combine(Path.GetTempPath(), "oi-batch-" + Guid.NewGuid().ToString("N"));
        var settings = BatchServerFixture.Settings(root);
        settings["BatchJobs:AllowedCallbackHosts:0"] = "hooks.example.com";
        await using var server = await ApiServer.StartAsync(settings: settings);
        try
        {
            var (response, json) = await BatchJobClient.SubmitAsync(server.Client, new JsonObject
            {
                ["model"] = "breast-cancer", ["inputs"] = new JsonArray(BatchTestData.Record(0)), ["callback_url"] = "http://127.0.0.1:9/hook",
            });

            using (response)
            {
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
                Assert.Contains("not on the allow-list", (string)json["detail"]!, StringComparison.Ordinal);
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
