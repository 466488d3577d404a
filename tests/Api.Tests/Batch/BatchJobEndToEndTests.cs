using System.Net;
using System.Text.Json.Nodes;

namespace OrleansInference.Api.Tests.Batch;

/// <summary>Batch jobs over a real Kestrel: CSV and JSON Lines, inline uploads, idempotency, error budget, cancellation.</summary>
public sealed class BatchJobEndToEndTests(BatchServerFixture fixture) : IClassFixture<BatchServerFixture>
{
    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task Submit_MillionRowCsv_OutputHoldsEveryRowOnceMatchingDirectPrediction()
    {
        const int rows = 1_000_000;
        await BatchTestData.WriteCsvAsync(Path.Combine(fixture.DataRoot, "million.csv"), rows);
        var expected = await BatchTestData.PredictDirectlyAsync(_client, "2");

        var jobId = await BatchJobClient.SubmitAcceptedAsync(_client, new JsonObject { ["model"] = "breast-cancer", ["version"] = "2", ["input_uri"] = "million.csv", ["format"] = "csv" });
        var status = await BatchJobClient.WaitFinalAsync(_client, jobId, TimeSpan.FromMinutes(3));

        Assert.True((string?)status["state"] == "succeeded", status.ToJsonString());
        Assert.Equal(rows, (long)status["rows_total"]!);
        Assert.Equal(rows, (long)status["rows_done"]!);
        Assert.Equal(0, (long)status["error_count"]!);
        Assert.Equal(1.0, (double)status["progress"]!);
        BatchOutputAssert.CsvMatches((string)status["output_path"]!, rows, expected);
        File.Delete(Path.Combine(fixture.DataRoot, "million.csv"));
        File.Delete((string)status["output_path"]!);
    }

    [Fact]
    public async Task Submit_InlineRecords_WritesJsonLinesInInputOrderAndRejectsBadRowsWithReasons()
    {
        var inputs = new JsonArray();
        for (var i = 0; i < 10; i++)
        {
            inputs.Add(i == 3 ? new JsonObject { ["mean radius"] = "big" } : BatchTestData.Record(i));
        }

        var jobId = await BatchJobClient.SubmitAcceptedAsync(_client, new JsonObject { ["model"] = "breast-cancer", ["version"] = "2", ["inputs"] = inputs, ["batch_size"] = 4 });
        var status = await BatchJobClient.WaitFinalAsync(_client, jobId, TimeSpan.FromSeconds(60));

        Assert.True((string?)status["state"] == "succeeded", status.ToJsonString());
        Assert.Equal(1, (long)status["error_count"]!);
        Assert.Equal(3, (int)status["chunks_total"]!);
        var output = (await _client.GetStringAsync((string)status["output_url"]!)).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal([0, 1, 2, 4, 5, 6, 7, 8, 9], output.Select(o => (int)o["row_id"]!));
        var expected = await BatchTestData.PredictDirectlyAsync(_client, "2");
        foreach (var row in output)
        {
            var want = expected[(int)row["row_id"]!];
            Assert.Equal(want.Label, (string?)row["label"]);
            Assert.Equal(want.Confidence, (float)row["confidence"]!, 4);
        }

        var errors = (await _client.GetStringAsync((string)status["errors_url"]!)).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        var error = Assert.Single(errors);
        Assert.Equal(3, (int)error["row_id"]!);
        Assert.Contains("mean radius", (string)error["error"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_JsonLinesFile_InfersTheFormatAndWritesToTheRequestedOutput()
    {
        var lines = Enumerable.Range(0, 50).Select(i => BatchTestData.Record(i).ToJsonString());
        await File.WriteAllLinesAsync(Path.Combine(fixture.DataRoot, "records.jsonl"), lines);

        var jobId = await BatchJobClient.SubmitAcceptedAsync(_client, new JsonObject
        {
            ["model"] = "breast-cancer", ["version"] = "1", ["input_uri"] = "records.jsonl", ["output_uri"] = "reports/scored.jsonl", ["batch_size"] = 7,
        });
        var status = await BatchJobClient.WaitFinalAsync(_client, jobId, TimeSpan.FromSeconds(60));

        Assert.True((string?)status["state"] == "succeeded", status.ToJsonString());
        Assert.Equal("1", (string?)status["version"]);
        Assert.Equal("jsonl", (string?)status["format"]);
        Assert.Equal(8, (int)status["chunks_total"]!);
        Assert.Equal(Path.Combine(fixture.OutputRoot, "reports", "scored.jsonl"), (string?)status["output_path"]);
        var expected = await BatchTestData.PredictDirectlyAsync(_client, "1");
        var output = (await File.ReadAllLinesAsync((string)status["output_path"]!)).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(Enumerable.Range(0, 50), output.Select(o => (int)o["row_id"]!));
        Assert.All(output, o => Assert.Equal(expected[(int)o["row_id"]!].Label, (string?)o["label"]));
    }

    [Fact]
    public async Task Submit_SameIdempotencyKeyWithAnotherBody_Is409WithoutApiKeys()
    {
        var key = Guid.NewGuid().ToString();
        var (first, firstJson) = await BatchJobClient.SubmitAsync(_client, new JsonObject { ["model"] = "breast-cancer", ["inputs"] = new JsonArray(BatchTestData.Record(0)) }, key);
        var (second, secondJson) = await BatchJobClient.SubmitAsync(_client, new JsonObject { ["model"] = "breast-cancer", ["inputs"] = new JsonArray(BatchTestData.Record(1)) }, key);
        using (first)
        using (second)
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
            Assert.True(second.StatusCode == HttpStatusCode.Conflict, secondJson.ToJsonString());
            Assert.Contains(key, (string?)secondJson["detail"], StringComparison.Ordinal);
        }

        // Without API keys every job stays visible, as before.
        await BatchJobClient.WaitFinalAsync(_client, (string)firstJson["job_id"]!, TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task Submit_SameIdempotencyKey_ReturnsTheSameJob()
    {
        var body = new JsonObject { ["model"] = "breast-cancer", ["inputs"] = new JsonArray(BatchTestData.Record(0)), ["format"] = "csv" };
        var key = Guid.NewGuid().ToString();

        var (first, firstJson) = await BatchJobClient.SubmitAsync(_client, body, key);
        var (second, secondJson) = await BatchJobClient.SubmitAsync(_client, (JsonObject)body.DeepClone(), key);

        using (first)
        using (second)
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
            Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
            Assert.Equal((string?)firstJson["job_id"], (string?)secondJson["job_id"]);
            Assert.Equal(first.Headers.Location, second.Headers.Location);
            Assert.Equal($"/api/v1/batch/{firstJson["job_id"]}", first.Headers.Location!.OriginalString);
            Assert.NotNull(first.Headers.RetryAfter);
            Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        }

        var status = await BatchJobClient.WaitFinalAsync(_client, (string)firstJson["job_id"]!, TimeSpan.FromSeconds(60));
        Assert.Equal("succeeded", (string?)status["state"]);
        var csv = await _client.GetStringAsync((string)status["output_url"]!);
        Assert.StartsWith("row_id,prediction,label,confidence\n0,", csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_ErrorsPastTheBudget_FailsTheJobAndKeepsTheReasons()
    {
        var inputs = new JsonArray();
        for (var i = 0; i < 10; i++)
        {
            inputs.Add(i % 2 == 0 ? new JsonArray(1, 2, 3) : BatchTestData.Record(i));
        }

        var jobId = await BatchJobClient.SubmitAcceptedAsync(_client, new JsonObject { ["model"] = "breast-cancer", ["inputs"] = inputs });
        var status = await BatchJobClient.WaitFinalAsync(_client, jobId, TimeSpan.FromSeconds(60));

        Assert.Equal("failed", (string?)status["state"]);
        Assert.Contains("error budget", (string)status["error"]!, StringComparison.Ordinal);
        using var output = await _client.GetAsync($"api/v1/batch/{jobId}/output");
        Assert.Equal(HttpStatusCode.Conflict, output.StatusCode);
        var errors = await _client.GetStringAsync((string)status["errors_url"]!);
        Assert.Contains("'features' has 3 values", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_RunningJob_CancelsItCleanly()
    {
        await BatchTestData.WriteCsvAsync(Path.Combine(fixture.DataRoot, "cancel.csv"), 20_000);
        var jobId = await BatchJobClient.SubmitAcceptedAsync(_client, new JsonObject { ["model"] = "breast-cancer", ["input_uri"] = "cancel.csv", ["batch_size"] = 5 });

        using var cancel = await _client.DeleteAsync($"api/v1/batch/{jobId}");
        var cancelled = JsonNode.Parse(await cancel.Content.ReadAsStringAsync())!;

        Assert.True(cancel.StatusCode == HttpStatusCode.OK, cancelled.ToJsonString());
        Assert.Equal("cancelled", (string?)cancelled["state"]);
        var status = await BatchJobClient.GetAsync(_client, jobId);
        Assert.Equal("cancelled", (string?)status["state"]);
        Assert.True((long)status["rows_done"]! < 20_000, status.ToJsonString());
        using var again = await _client.DeleteAsync($"api/v1/batch/{jobId}");
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        using var output = await _client.GetAsync($"api/v1/batch/{jobId}/output");
        Assert.Equal(HttpStatusCode.Conflict, output.StatusCode);
        Assert.False(Directory.Exists(Path.Combine(fixture.Root, "state", "jobs", jobId)), "the cancelled job's chunk parts should be removed");
        Assert.False(Directory.Exists(Path.Combine(fixture.OutputRoot, jobId)), "a cancelled job should leave no output");
    }

    [Theory]
    [InlineData("../outside.csv")]
    [InlineData("/etc/passwd")]
    [InlineData("file:///etc/hostname")]
    [InlineData("sub/../../escape.csv")]
    public async Task Submit_InputOutsideTheDataRoot_Returns400(string inputUri)
    {
        var (response, json) = await BatchJobClient.SubmitAsync(_client, new JsonObject { ["model"] = "breast-cancer", ["input_uri"] = inputUri, ["format"] = "csv" });

        using (response)
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("outside the BatchJobs:DataRoot", (string)json["detail"]!, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Submit_OutputOutsideTheOutputRoot_Returns400()
    {
        var (response, json) = await BatchJobClient.SubmitAsync(_client, new JsonObject { ["model"] = "breast-cancer", ["inputs"] = new JsonArray(BatchTestData.Record(0)), ["output_uri"] = "../../x.jsonl" });

        using (response)
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("outside the BatchJobs:OutputRoot", (string)json["detail"]!, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Submit_UnknownModel_Returns404NamingIt()
    {
        var (response, json) = await BatchJobClient.SubmitAsync(_client, new JsonObject { ["model"] = "no-such-model", ["inputs"] = new JsonArray(BatchTestData.Record(0)) });

        using (response)
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Contains("'no-such-model' is not registered", (string)json["detail"]!, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Submit_UnknownVersion_Returns404()
    {
        var (response, _) = await BatchJobClient.SubmitAsync(_client, new JsonObject { ["model"] = "breast-cancer", ["version"] = "99", ["inputs"] = new JsonArray(BatchTestData.Record(0)) });

        using (response)
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }

    [Theory]
    [InlineData("""{"model": "breast-cancer", "inputs": [{}], "format": "xml"}""", "Unknown format 'xml'")]
    [InlineData("""{"model": "breast-cancer"}""", "exactly one of 'input_uri'")]
    [InlineData("""{"model": "breast-cancer", "input_uri": "missing.csv"}""", "does not exist")]
    [InlineData("""{"model": "breast-cancer", "input_uri": "x.txt"}""", "does not exist")]
    [InlineData("""{"model": "breast-cancer", "inputs": [{}], "batch_size": 0}""", "'batch_size' is 0")]
    [InlineData("""{"model": "breast-cancer", "inputs": "rows"}""", "'inputs' must be an array")]
    [InlineData("""{"model": 5}""", "'model' must be a string")]
    [InlineData("""not json""", "not valid JSON")]
    public async Task Submit_BadRequest_Returns400WithAClearMessage(string body, string message)
    {
        using var response = await _client.PostAsync("api/v1/batch", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, (string)json["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_CsvWithoutFeatureHeader_Returns400()
    {
        await File.WriteAllTextAsync(Path.Combine(fixture.DataRoot, "noheader.csv"), "1,2,3\n4,5,6\n");

        var (response, json) = await BatchJobClient.SubmitAsync(_client, new JsonObject { ["model"] = "breast-cancer", ["input_uri"] = "noheader.csv" });

        using (response)
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("names none of model 'breast-cancer''s features", (string)json["detail"]!, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef")]
    [InlineData("not-a-job")]
    public async Task Get_UnknownJob_Returns404(string id)
    {
        using var response = await _client.GetAsync($"api/v1/batch/{id}");
        using var delete = await _client.DeleteAsync($"api/v1/batch/{id}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
    }
}
