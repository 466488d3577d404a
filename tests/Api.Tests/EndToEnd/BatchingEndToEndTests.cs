using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.EndToEnd;

/// <summary>Dynamic batching through the HTTP API: concurrent requests share executions; full queues and missed deadlines fail fast.</summary>
public sealed class BatchingEndToEndTests(DemoServerFixture fixture) : IClassFixture<DemoServerFixture>
{
    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task ConcurrentSingleRowRequests_AreExecutedInBatches()
    {
        const int requests = 48;
        var before = await BatchRecordAsync("double-fp32");

        var responses = await Task.WhenAll(Enumerable.Range(0, requests).Select(async i =>
        {
            var body = $$"""{"inputs": [{"name": "x", "shape": [1, 3], "datatype": "FP32", "data": [{{i}}, 1, 2]}]}""";
            using var response = await _client.PostAsync("v2/models/double-fp32/infer", Json(body));
            var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            return (response.StatusCode, Data: json["outputs"]?[0]?["data"]?.AsArray().Select(v => (float)v!).ToArray());
        }));

        var after = await BatchRecordAsync("double-fp32");
        for (var i = 0; i < requests; i++)
        {
            Assert.Equal(HttpStatusCode.OK, responses[i].StatusCode);
            Assert.Equal([2f * i, 2f, 4f], responses[i].Data!);
        }

        var executions = after.Sum(b => b.Value - before.GetValueOrDefault(b.Key));
        var rows = after.Sum(b => b.Key * (b.Value - before.GetValueOrDefault(b.Key)));
        Assert.Equal(requests, rows);
        Assert.True(executions < requests / 2, $"{requests} requests ran in {executions} executions; expected batches.");
        Assert.Contains(after.Keys, size => size > 1);
    }

    [Fact]
    public async Task FullQueue_IsRejectedAtOnceWith429AndRetryAfter()
    {
        var row = string.Join(',', Enumerable.Repeat("0.5", 256));
        var body = $$"""{"inputs": [{"name": "x", "shape": [1, 256], "datatype": "FP32", "data": [{{row}}]}]}""";

        // A burst of 16 against a one-slot queue rejects some at once; on a very busy machine the client may not get
        // them in flight together, so up to five bursts are sent, and every response must be 200 or 429.
        var responses = new List<(HttpStatusCode StatusCode, RetryConditionHeaderValue? RetryAfter, string? Error)>();
        for (var burst = 0; burst < 5 && !responses.Any(r => r.StatusCode == HttpStatusCode.TooManyRequests); burst++)
        {
            responses.AddRange(await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
            {
                using var response = await _client.PostAsync("v2/models/slow/infer", Json(body));
                return (response.StatusCode, response.Headers.RetryAfter, (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]);
            })));
        }

        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.OK);
        var rejected = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToArray();
        Assert.True(rejected.Length > 0, $"No 429 among {responses.Count} responses: {string.Join(", ", responses.Select(r => (int)r.StatusCode))}.");
        Assert.All(rejected, r => Assert.NotNull(r.RetryAfter));
        Assert.All(rejected, r => Assert.Contains("queue", r.Error, StringComparison.OrdinalIgnoreCase));
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, r.Error));
    }

    [Fact]
    public async Task MissedDeadline_IsRejectedWith504()
    {
        var body = """{"parameters": {"timeout": 1}, "inputs": [{"name": "x", "shape": [1, 3], "datatype": "FP32", "data": [1, 2, 3]}]}""";

        using var response = await _client.PostAsync("v2/models/double-fp32/infer", Json(body));

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Contains("deadline", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"], StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task InvalidSchedulingParameters_AreRejectedWith400()
    {
        var body = """{"parameters": {"priority": -1}, "inputs": [{"name": "x", "shape": [1, 3], "datatype": "FP32", "data": [1, 2, 3]}]}""";

        using var response = await _client.PostAsync("v2/models/double-fp32/infer", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("priority", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"], StringComparison.Ordinal);
    }

    private async Task<Dictionary<int, long>> BatchRecordAsync(string model)
    {
        var stats = JsonNode.Parse(await _client.GetStringAsync($"v2/models/{model}/stats"))!["model_stats"]![0]!;
        return stats["batch_stats"]!.AsArray().ToDictionary(b => (int)b!["batch_size"]!, b => (long)b!["compute_infer"]!["count"]!);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
