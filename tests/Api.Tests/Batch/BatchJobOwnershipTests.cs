using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.Batch;

/// <summary>
/// Batch jobs on a server with API keys: a job belongs to the key that submitted it, idempotency keys are scoped to the
/// caller and the body, and no job's output can overwrite another's.
/// </summary>
public sealed class BatchJobOwnershipTests : IAsyncLifetime
{
    private const string AdminSecret = "batch-admin-secret-5d1e";
    private const string AliceSecret = "batch-alice-secret-93aa";
    private const string BobSecret = "batch-bob-secret-c0f7";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "oi-batch-owner-" + Guid.NewGuid().ToString("N"));
    private ApiServer _server = null!;

    public async Task InitializeAsync()
    {
        var settings = BatchServerFixture.Settings(_root);
        settings["Auth:Enabled"] = "true";
        settings["Auth:Keys:0:Name"] = "ops";
        settings["Auth:Keys:0:Sha256"] = Hash(AdminSecret);
        settings["Auth:Keys:0:Role"] = "admin";
        settings["Auth:Keys:1:Name"] = "alice";
        settings["Auth:Keys:1:Sha256"] = Hash(AliceSecret);
        settings["Auth:Keys:1:Role"] = "inference";
        settings["Auth:Keys:2:Name"] = "bob";
        settings["Auth:Keys:2:Sha256"] = Hash(BobSecret);
        settings["Auth:Keys:2:Role"] = "inference";
        Directory.CreateDirectory(Path.Combine(_root, "data"));
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
    public async Task AnotherInferenceKey_Gets404ForTheJob_OwnerAndAdminSeeIt()
    {
        var (submitted, json) = await SubmitAsync(AliceSecret, Body(0));
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var id = (string)json["job_id"]!;
        await WaitFinalAsync(AliceSecret, id);

        foreach (var (method, path) in new[] { (HttpMethod.Get, $"api/v1/batch/{id}"), (HttpMethod.Get, $"api/v1/batch/{id}/output"), (HttpMethod.Get, $"api/v1/batch/{id}/errors"), (HttpMethod.Delete, $"api/v1/batch/{id}") })
        {
            using var response = await SendAsync(method, path, BobSecret);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path} as bob: {(int)response.StatusCode} {text}");
            Assert.Contains("does not exist", text, StringComparison.Ordinal);
        }

        foreach (var secret in new[] { AliceSecret, AdminSecret })
        {
            using var status = await SendAsync(HttpMethod.Get, $"api/v1/batch/{id}", secret);
            Assert.Equal(HttpStatusCode.OK, status.StatusCode);
            using var output = await SendAsync(HttpMethod.Get, $"api/v1/batch/{id}/output", secret);
            Assert.Equal(HttpStatusCode.OK, output.StatusCode);
        }
    }

    [Fact]
    public async Task IdempotencyKey_IsScopedToTheCallerAndTheBody()
    {
        var key = Guid.NewGuid().ToString();
        var (first, firstJson) = await SubmitAsync(AliceSecret, Body(1), key);
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);

        // Same caller, same body: the first job again.
        var (again, againJson) = await SubmitAsync(AliceSecret, Body(1), key);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal((string?)firstJson["job_id"], (string?)againJson["job_id"]);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());

        // Same caller, another body: refused, naming the key.
        var (changed, changedJson) = await SubmitAsync(AliceSecret, Body(2), key);
        Assert.Equal(HttpStatusCode.Conflict, changed.StatusCode);
        Assert.Contains("different request body", (string?)changedJson["detail"], StringComparison.Ordinal);

        // Another caller with the same key gets its own job, never alice's.
        var (bob, bobJson) = await SubmitAsync(BobSecret, Body(1), key);
        Assert.Equal(HttpStatusCode.Accepted, bob.StatusCode);
        Assert.False(bob.Headers.Contains("Idempotent-Replayed"));
        Assert.NotEqual((string?)firstJson["job_id"], (string?)bobJson["job_id"]);
    }

    [Fact]
    public async Task OutputUri_UsedByAnotherJobOrExisting_Is409AndNothingIsOverwritten()
    {
        var first = Body(3);
        first["output_uri"] = "shared/result.jsonl";
        var (accepted, json) = await SubmitAsync(AliceSecret, first);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var status = await WaitFinalAsync(AliceSecret, (string)json["job_id"]!);
        var outputPath = (string)status["output_path"]!;
        var before = await File.ReadAllBytesAsync(outputPath);

        foreach (var secret in new[] { BobSecret, AliceSecret, AdminSecret })
        {
            var second = Body(4);
            second["output_uri"] = "shared/result.jsonl";
            var (refused, refusedJson) = await SubmitAsync(secret, second);
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Contains("'output_uri'", (string?)refusedJson["detail"], StringComparison.Ordinal);
        }

        // The rejected-rows file beside an output is taken too.
        var errors = Body(5);
        errors["output_uri"] = "shared/result.errors.jsonl";
        var (errorsRefused, _) = await SubmitAsync(BobSecret, errors);
        Assert.Equal(HttpStatusCode.Conflict, errorsRefused.StatusCode);

        // A file that exists under the output root, written by no job.
        var outside = Path.Combine(_root, "output", "operator.jsonl");
        await File.WriteAllTextAsync(outside, "keep me\n");
        var existing = Body(6);
        existing["output_uri"] = "operator.jsonl";
        var (existingRefused, _) = await SubmitAsync(BobSecret, existing);
        Assert.Equal(HttpStatusCode.Conflict, existingRefused.StatusCode);

        Assert.Equal(before, await File.ReadAllBytesAsync(outputPath));
        Assert.Equal("keep me\n", await File.ReadAllTextAsync(outside));
        // Refused submissions leave no uploaded copy: at most the accepted job's folder remains.
        Assert.True(Directory.GetDirectories(Path.Combine(_root, "state", "jobs")).Length <= 1);
    }

    private static JsonObject Body(int record) => new() { ["model"] = "breast-cancer", ["inputs"] = new JsonArray(BatchTestData.Record(record)) };

    private async Task<(HttpResponseMessage Response, JsonNode Body)> SubmitAsync(string secret, JsonObject body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/batch") { Content = JsonContent.Create(body) };
        request.Headers.Add("X-API-Key", secret);
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        var response = await _server.Client.SendAsync(request);
        return (response, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string secret)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-API-Key", secret);
        return await _server.Client.SendAsync(request);
    }

    private async Task<JsonNode> WaitFinalAsync(string secret, string id)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            using var response = await SendAsync(HttpMethod.Get, $"api/v1/batch/{id}", secret);
            var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            if ((string?)status["state"] is "succeeded" or "failed" or "cancelled")
            {
                Assert.Equal("succeeded", (string?)status["state"]);
                return status;
            }

            Assert.True(DateTime.UtcNow < until, $"job {id} not final: {status.ToJsonString()}");
            await Task.Delay(50);
        }
    }

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
