using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using OrleansInference.Client.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansInference.Client.Tests.Cluster;

/// <summary>
/// Redis restarted under load (killed, then started again on the same port with the same AOF): while it is gone, state
/// changes answer a fast 503 with Retry-After (never a 500, never a hang) and predictions go on; once it is back the grid
/// recovers by itself, and a batch job accepted before the outage finishes with every row (real redis-server, a silo and
/// an API node as OS processes).
/// </summary>
public sealed class RedisOutageTests(ITestOutputHelper output) : RedisStateTestBase("oi-outage-")
{
    private const int Rows = 30_000;
    private const string PredictBody = """{"model": "breast-cancer", "features": {"mean radius": 13.5, "mean texture": 14.4, "worst radius": 15.1, "worst area": 711.2}}""";

    /// <summary>How long a request may take before it counts as hanging.</summary>
    private static readonly TimeSpan RequestBound = TimeSpan.FromSeconds(10);

    /// <summary>How long Redis stays away.</summary>
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(8);

    /// <summary>State changes must succeed again this soon after Redis is back.</summary>
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task RedisRestart_MidLoad_Gives503s_RecoversByItself_AndTheAcceptedJobCompletes()
    {
        var silo = await Nodes.StartSiloAsync(["--BatchJobs:MaxParallelChunks=1"]);
        Owned.Add(silo);
        var api = await Nodes.StartApiNodeAsync();
        Owned.Add(api);
        using var http = new HttpClient { BaseAddress = api.Address, Timeout = RequestBound };
        string Diagnostics() => $"Silo:\n{silo.Output}\nAPI:\n{api.Output}\nRedis:\n{Redis.Output}";
        await Nodes.WriteCsvAsync("rows.csv", Rows);
        var (submitted, body, _) = await RedisStateNodes.SubmitAsync(http, "rows.csv", "accepted.csv", 300);
        Assert.True(submitted == HttpStatusCode.Accepted, $"Submit: {(int)submitted} {body?.ToJsonString()}");
        var jobId = (string)body!["job_id"]!;
        Assert.Equal(HttpStatusCode.OK, (await PredictAsync(http)).Status);

        // Steady predictions all through the outage and the recovery.
        using var stopLoad = new CancellationTokenSource();
        var load = Task.Run(() => LoadAsync(http, stopLoad.Token));

        await Redis.KillAsync();
        var down = Stopwatch.StartNew();
        var outageAnswers = new List<string>();
        var stateChange503s = 0;
        while (down.Elapsed < Outage)
        {
            var stage = await TimedAsync(() => StageAsync(http, "staging"));
            var submit = await TimedAsync(async () =>
            {
                var (status, _, retryAfter) = await RedisStateNodes.SubmitAsync(http, "rows.csv", "during-" + Guid.NewGuid().ToString("N")[..8] + ".csv", 300);
                return new Reply(status, retryAfter);
            });
            foreach (var (name, reply, took) in new[] { ("stage", stage.Reply, stage.Took), ("submit", submit.Reply, submit.Took) })
            {
                outageAnswers.Add($"{name} {(int)reply.Status} in {took.TotalSeconds:F1} s");
                Assert.True(took < RequestBound, $"A {name} took {took.TotalSeconds:F1} s while Redis was down.");
                Assert.True(reply.Status == HttpStatusCode.ServiceUnavailable, $"While Redis was down, {name} answered {(int)reply.Status} {reply.Detail}\n{Diagnostics()}");
                stateChange503s++;
            }

            Assert.Equal("1", stage.Reply.Detail);
            await Task.Delay(250);
        }

        await Redis.StartAgainAsync();
        var back = Stopwatch.StartNew();
        TimeSpan? recovered = null;
        while (back.Elapsed < RecoveryBound)
        {
            var stage = await StageAsync(http, "production");
            if (stage.Status == HttpStatusCode.OK)
            {
                recovered = back.Elapsed;
                break;
            }

            Assert.True(stage.Status == HttpStatusCode.ServiceUnavailable, $"While Redis came back, a stage change answered {(int)stage.Status} {stage.Detail}");
            await Task.Delay(250);
        }

        Assert.True(recovered is not null, $"State changes did not succeed within {RecoveryBound.TotalSeconds} s of Redis' return.\n{Diagnostics()}");
        var (after, afterBody, _) = await RedisStateNodes.SubmitAsync(http, "rows.csv", "after.csv", 300);
        Assert.True(after == HttpStatusCode.Accepted, $"Submit after the outage: {(int)after} {afterBody?.ToJsonString()}");

        var job = await RedisStateNodes.WaitFinalAsync(http, jobId, TimeSpan.FromSeconds(90), Diagnostics);
        await stopLoad.CancelAsync();
        var predictions = await load;
        output.WriteLine($"Outage answers: {stateChange503s} state changes, all 503 ({string.Join("; ", outageAnswers.Take(4))} ...); state changes succeeded {recovered?.TotalSeconds:F1} s after Redis returned.");
        output.WriteLine($"Predictions through it all: {string.Join(", ", predictions.OrderBy(p => p.Key).Select(p => $"{p.Key} x{p.Value}"))}.");
        Assert.True((string?)job["state"] == "succeeded", job.ToJsonString() + "\n" + Diagnostics());
        Assert.Equal(Rows, (long)job["rows_done"]!);
        Assert.Equal(Rows + 1, File.ReadLines((string)job["output_path"]!).Count());
        Assert.True(stateChange503s > 0);
        Assert.All(predictions.Keys, k => Assert.True(k is "200" or "503", $"A prediction answered {k}: {string.Join(", ", predictions)}"));
        Assert.True(predictions.GetValueOrDefault("200") > 0);
    }

    private static async Task<Dictionary<string, int>> LoadAsync(HttpClient http, CancellationToken stop)
    {
        var counts = new Dictionary<string, int>();
        while (!stop.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            string key;
            try
            {
                var reply = await PredictAsync(http);
                key = ((int)reply.Status).ToString(CultureInfo.InvariantCulture);
            }
            catch (TaskCanceledException)
            {
                key = "hung";
            }

            if (Stopwatch.GetElapsedTime(started) >= RequestBound)
            {
                key = "hung";
            }

            counts[key] = counts.GetValueOrDefault(key) + 1;
            await Task.Delay(20, CancellationToken.None);
        }

        return counts;
    }

    private static async Task<Reply> PredictAsync(HttpClient http)
    {
        using var response = await http.PostAsync("api/v1/predict", new StringContent(PredictBody, Encoding.UTF8, "application/json"));
        return new Reply(response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<Reply> StageAsync(HttpClient http, string stage)
    {
        using var response = await http.PostAsync("api/v1/models/breast-cancer/versions/1/stage", new StringContent($$"""{"stage": "{{stage}}"}""", Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        return new Reply(response.StatusCode, response.StatusCode == HttpStatusCode.ServiceUnavailable ? response.Headers.RetryAfter?.ToString() : text);
    }

    private static async Task<(Reply Reply, TimeSpan Took)> TimedAsync(Func<Task<Reply>> call)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var reply = await call();
            return (reply, Stopwatch.GetElapsedTime(started));
        }
        catch (TaskCanceledException)
        {
            return (new Reply(HttpStatusCode.RequestTimeout, "hung"), Stopwatch.GetElapsedTime(started));
        }
    }

    private sealed record Reply(HttpStatusCode Status, string? Detail);
}
