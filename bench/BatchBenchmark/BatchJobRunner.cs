using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace OrleansInference.BatchBenchmark;

/// <summary>Submits batch jobs over HTTP, waits for them and counts their output rows.</summary>
internal static class BatchJobRunner
{
    /// <summary>The outcome of one job: wall time from submission to <c>succeeded</c>, the server's rate from <c>started_at</c> to <c>finished_at</c>, rows scored and output rows.</summary>
    public sealed record Outcome(string JobId, double WallSeconds, double ServerRowsPerSecond, long RowsTotal, long ErrorCount, long OutputRows, JobPhases Phases);

    public static async Task<string> SubmitAsync(HttpClient client, string inputUri, int chunkRows, CancellationToken ct = default)
    {
        var body = new JsonObject
        {
            ["model"] = BreastCancerModel.Name,
            ["version"] = BreastCancerModel.Version,
            ["input_uri"] = inputUri,
            ["format"] = "csv",
            ["batch_size"] = chunkRows,
        };
        using var response = await client.PostAsJsonAsync("api/v1/batch", body, ct);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"Submitting a batch job over '{inputUri}' answered {(int)response.StatusCode}: {json.ToJsonString()}");
        }

        return (string)json["job_id"]!;
    }

    public static async Task<JsonNode> WaitFinalAsync(HttpClient client, string jobId, TimeSpan timeout, JobPhases? phases = null, CancellationToken ct = default)
    {
        var until = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var status = await client.GetFromJsonAsync<JsonNode>($"api/v1/batch/{jobId}", ct) ?? throw new InvalidOperationException($"Job {jobId}: empty status.");
            phases?.Observe(status);
            if ((string)status["state"]! is "succeeded" or "failed" or "cancelled")
            {
                return status;
            }

            if (Stopwatch.GetTimestamp() > until)
            {
                throw new TimeoutException($"Job {jobId} is not final after {timeout}: {status.ToJsonString()}");
            }

            await Task.Delay(20, ct);
        }
    }

    /// <summary>Runs one job to completion and verifies its output holds one line per input row.</summary>
    public static async Task<Outcome> RunAsync(HttpClient client, string inputUri, int chunkRows, long expectedRows, TimeSpan timeout)
    {
        var phases = new JobPhases();
        var jobId = await SubmitAsync(client, inputUri, chunkRows);
        var status = await WaitFinalAsync(client, jobId, timeout, phases);
        var wall = phases.Elapsed.TotalSeconds;
        if ((string)status["state"]! != "succeeded")
        {
            throw new InvalidOperationException($"Job {jobId} ended {(string)status["state"]!}: {status.ToJsonString()}");
        }

        var outputRows = await CountOutputRowsAsync(client, jobId);
        var rowsTotal = (long)status["rows_total"]!;
        var errors = (long)status["error_count"]!;
        if (outputRows != expectedRows || rowsTotal != expectedRows || errors != 0)
        {
            throw new InvalidDataException($"Job {jobId}: expected {expectedRows} output rows and no errors; rows_total {rowsTotal}, output rows {outputRows}, errors {errors}.");
        }

        // The server's own span: from the job's start (after queueing) to its finish, as recorded in its status.
        var serverSeconds = ((DateTimeOffset)status["finished_at"]! - (DateTimeOffset)status["started_at"]!).TotalSeconds;
        return new Outcome(jobId, wall, rowsTotal / serverSeconds, rowsTotal, errors, outputRows, phases);
    }

    /// <summary>Streams <c>GET /api/v1/batch/{id}/output</c> and counts its lines, less the header.</summary>
    private static async Task<long> CountOutputRowsAsync(HttpClient client, string jobId)
    {
        using var response = await client.GetAsync($"api/v1/batch/{jobId}/output", HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[1 << 20];
        long lines = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
        }

        return lines - 1;
    }
}
