using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OrleansInference.Client.Tests.Infrastructure;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace OrleansInference.Client.Tests.Cluster;

/// <summary>
/// The result cache in cluster mode: two API nodes, each co-hosting a silo (so each node's predictions run on its own
/// silo), joined through a real redis-server. An answer computed on one silo is a hit on the other; a stage change made
/// on one node invalidates the version's answers on both; a burst of identical misses runs the model once per silo; with
/// Redis gone, predictions still answer 200 from the model.
/// </summary>
public sealed class RedisResultCacheTests(ITestOutputHelper output) : RedisStateTestBase("oi-result-cache-")
{
    private const int Burst = 24;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AnswersAreShared_Invalidated_SingleFlighted_AndSurviveRedisLoss()
    {
        var config = Path.Combine(Root, "models", "iris", "1", "config.json");
        var json = JsonNode.Parse(await File.ReadAllTextAsync(config))!.AsObject();
        json["cache"] = new JsonObject { ["ttl_seconds"] = 600, ["max_entries"] = 1000 };
        await File.WriteAllTextAsync(config, json.ToJsonString());

        var a = await StartNodeAsync("a");
        var b = await StartNodeAsync("b");
        using var httpA = new HttpClient { BaseAddress = a.Address, Timeout = TimeSpan.FromSeconds(30) };
        using var httpB = new HttpClient { BaseAddress = b.Address, Timeout = TimeSpan.FromSeconds(30) };
        string Diagnostics() => $"Node A:\n{a.Output}\nNode B:\n{b.Output}\nRedis:\n{Redis.Output}";
        await using var redis = await ConnectionMultiplexer.ConnectAsync(Redis.Configuration);

        // Each node's first call may wait on the other silo's start or the version's load (a 503 or 504): warm both
        // with inputs of their own, one cached answer each.
        await WarmUpAsync(httpA, [7.0f, 3.2f, 4.7f, 1.4f], Diagnostics);
        await WarmUpAsync(httpB, [6.3f, 3.3f, 6.0f, 2.5f], Diagnostics);

        // (a) Computed on A, a hit on B (B's silo never ran it), and the other way round.
        float[] w = [6.1f, 2.8f, 4.7f, 1.2f];
        float[] v = [5.0f, 3.4f, 1.5f, 0.2f];
        Assert.Null((await PredictAsync(httpA, w, Diagnostics))["cached"]);
        Assert.Null((await PredictAsync(httpB, v, Diagnostics))["cached"]);
        await WaitForKeysAsync(redis, 4, Diagnostics);
        var onB = await PredictAsync(httpB, w, Diagnostics);
        var onA = await PredictAsync(httpA, v, Diagnostics);
        Assert.True((bool?)onB["cached"] == true, $"B did not read A's answer from Redis: {onB.ToJsonString()}\n{Diagnostics()}");
        Assert.True((bool?)onA["cached"] == true, $"A did not read B's answer from Redis: {onA.ToJsonString()}\n{Diagnostics()}");

        // (d) A burst of identical misses on each node at once runs the model at most once per node.
        float[] burst = [6.7f, 3.1f, 4.4f, 1.4f];
        var requests = Enumerable.Range(0, Burst).Select(i => PredictAsync(i % 2 == 0 ? httpA : httpB, burst, Diagnostics)).ToList();
        var answers = await Task.WhenAll(requests).WaitAsync(Bound);
        var uncachedA = answers.Where((r, i) => i % 2 == 0 && r["cached"] is null).Count();
        var uncachedB = answers.Where((r, i) => i % 2 == 1 && r["cached"] is null).Count();
        output.WriteLine($"Burst of {Burst} (half per node): model ran for {uncachedA} on A, {uncachedB} on B.");
        Assert.True(uncachedA <= 1 && uncachedB <= 1 && uncachedA + uncachedB >= 1,
            $"A burst of identical misses ran the model {uncachedA} times on A and {uncachedB} times on B; expected at most once per node.");
        Assert.Single(answers.Select(r => (string?)r["label"]).Distinct());

        // (c) A stage change made on A: neither node serves the answers cached before it.
        // (Archiving is refused while the version serves the deployment; any stage change moves the generation alike.)
        await StageAsync(httpA, "staging", Diagnostics);
        await WaitForStageAsync(httpB, "staging", Diagnostics);
        var afterOnB = await PredictAsync(httpB, w, Diagnostics);
        var afterOnA = await PredictAsync(httpA, v, Diagnostics);
        Assert.True(afterOnB["cached"] is null, $"B served an answer cached before the version changed: {afterOnB.ToJsonString()}");
        Assert.True(afterOnA["cached"] is null, $"A served an answer cached before the version changed: {afterOnA.ToJsonString()}");
        Assert.Equal((string?)onB["label"], (string?)afterOnB["label"]);

        // (e) Redis gone: new inputs are answered by the model, 200, within the request bound.
        await Redis.KillAsync();
        for (var i = 0; i < 10; i++)
        {
            float[] fresh = [4.0f + (i * 0.1f), 3.0f, 1.3f, 0.2f];
            var started = DateTime.UtcNow;
            var answer = await PredictAsync(i % 2 == 0 ? httpA : httpB, fresh, Diagnostics);
            Assert.Null(answer["cached"]);
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), $"A prediction took {(DateTime.UtcNow - started).TotalSeconds:F1} s with Redis gone.");
        }

        Assert.True((bool?)(await PredictAsync(httpB, w, Diagnostics))["cached"] == true, "B's own memory stopped serving with Redis gone.");
    }

    private async Task<GridServerProcess> StartNodeAsync(string name)
    {
        var node = await GridServerProcess.StartSiloNodeAsync(Root,
        [
            $"--Orleans:Redis={Redis.Configuration}",
            $"--Orleans:ClusterId=cache-{Path.GetFileName(Root)}",
            "--Orleans:SiloPort=0",
            "--Orleans:GatewayPort=0",
            "--Orleans:Dashboard=false",
            $"--Registry:SqlitePath={Path.Combine(Root, name, "registry.db")}",
            $"--Reminders:SqlitePath={Path.Combine(Root, name, "reminders.db")}",
            $"--BatchJobs:DataRoot={Nodes.DataRoot}",
            $"--BatchJobs:OutputRoot={Nodes.OutputRoot}",
            $"--BatchJobs:StateRoot={Path.Combine(Root, "batch", "state")}",
        ]);
        Owned.Add(node);
        return node;
    }

    private static async Task<JsonNode> PredictAsync(HttpClient http, float[] features, Func<string> diagnostics)
    {
        using var response = await http.PostAsync("api/v1/predict", new StringContent(Body(features), Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Predict on {http.BaseAddress}: {(int)response.StatusCode} {text}\n{diagnostics()}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>Predicts until the node answers 200; a 503 or 504 (the grid still forming, the version still loading) is retried.</summary>
    private static async Task WarmUpAsync(HttpClient http, float[] features, Func<string> diagnostics)
    {
        var body = Body(features);
        var until = DateTime.UtcNow + Bound;
        while (true)
        {
            using var response = await http.PostAsync("api/v1/predict", new StringContent(body, Encoding.UTF8, "application/json"));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout && DateTime.UtcNow < until,
                $"Warm-up predict on {http.BaseAddress}: {(int)response.StatusCode} {text}\n{diagnostics()}");
            await Task.Delay(250);
        }
    }

    private static string Body(float[] features) =>
        $$"""{"model": "iris", "version": "1", "features": [{{string.Join(", ", features.Select(f => f.ToString("R", CultureInfo.InvariantCulture)))}}]}""";

    private static async Task StageAsync(HttpClient http, string stage, Func<string> diagnostics)
    {
        using var response = await http.PostAsync("api/v1/models/iris/versions/1/stage", new StringContent($$"""{"stage": "{{stage}}"}""", Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, $"Stage {stage}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}\n{diagnostics()}");
    }

    /// <summary>Waits until the node's own catalog replica shows the stage.</summary>
    private static async Task WaitForStageAsync(HttpClient http, string stage, Func<string> diagnostics)
    {
        var until = DateTime.UtcNow + Bound;
        string? seen = null;
        while (DateTime.UtcNow < until)
        {
            using var response = await http.GetAsync("api/v1/models/iris/versions/1");
            if (response.IsSuccessStatusCode)
            {
                seen = (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())?["stage"];
                if (seen == stage)
                {
                    return;
                }
            }

            await Task.Delay(50);
        }

        Assert.Fail($"{http.BaseAddress} did not show stage {stage} within {Bound.TotalSeconds} s (last {seen}).\n{diagnostics()}");
    }

    /// <summary>Writes to Redis are off the request path: waits until <paramref name="count"/> cached answers are there.</summary>
    private static async Task WaitForKeysAsync(ConnectionMultiplexer redis, int count, Func<string> diagnostics)
    {
        var server = redis.GetServers()[0];
        var until = DateTime.UtcNow + Bound;
        var found = 0;
        while (DateTime.UtcNow < until)
        {
            found = 0;
            await foreach (var _ in server.KeysAsync(pattern: "oi:*:cache:iris/1/*"))
            {
                found++;
            }

            if (found >= count)
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"Redis held {found} cached answers, expected {count}.\n{diagnostics()}");
    }
}
