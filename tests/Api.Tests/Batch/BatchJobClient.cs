using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace OrleansInference.Api.Tests.Batch;

/// <summary>Submits batch jobs and waits for them over HTTP.</summary>
internal static class BatchJobClient
{
    public static async Task<(HttpResponseMessage Response, JsonNode Body)> SubmitAsync(HttpClient client, JsonObject body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/batch") { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        var response = await client.SendAsync(request);
        return (response, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    public static async Task<string> SubmitAcceptedAsync(HttpClient client, JsonObject body)
    {
        var (response, json) = await SubmitAsync(client, body);
        using (response)
        {
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"submit: expected 202, got {(int)response.StatusCode}: {json.ToJsonString()}");
            return (string)json["job_id"]!;
        }
    }

    public static async Task<JsonNode> GetAsync(HttpClient client, string jobId)
    {
        using var response = await client.GetAsync($"api/v1/batch/{jobId}");
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"status of {jobId}: {(int)response.StatusCode} {json.ToJsonString()}");
        return json;
    }

    /// <summary>Polls until the job is final; fails with the last status after <paramref name="timeout"/>.</summary>
    public static async Task<JsonNode> WaitFinalAsync(HttpClient client, string jobId, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var status = await GetAsync(client, jobId);
            var state = (string)status["state"]!;
            if (state is "succeeded" or "failed" or "cancelled")
            {
                return status;
            }

            Assert.True(DateTime.UtcNow < until, $"job {jobId} not final after {timeout}: {status.ToJsonString()}");
            await Task.Delay(50);
        }
    }
}
