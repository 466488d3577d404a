using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using OrleansInference.Client.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansInference.Client.Tests.Cluster;

/// <summary>
/// Cluster mode keeps the grid's durable state in Redis: a version registered and staged, and an experiment created,
/// through an API node survive the loss of every silo. The silo started afterwards has a fresh SQLite path, so what it
/// serves can only have come from Redis (real redis-server with AOF, silos and API nodes as separate OS processes).
/// </summary>
public sealed class RedisDurableStateTests(ITestOutputHelper output) : RedisStateTestBase("oi-durable-")
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task RegisteredVersion_StageChange_AndExperiment_SurviveRestartingEverySilo()
    {
        var silo = await Nodes.StartSiloAsync();
        Owned.Add(silo);
        var api = await Nodes.StartApiNodeAsync();
        Owned.Add(api);
        using (var http = new HttpClient { BaseAddress = api.Address, Timeout = TimeSpan.FromSeconds(30) })
        {
            await RegisterVersionAsync(http, "7", "dev");
            using (var staged = await http.PostAsync("api/v1/models/breast-cancer/versions/7/stage", Json("""{"stage": "staging"}""")))
            {
                Assert.True(staged.IsSuccessStatusCode, await staged.Content.ReadAsStringAsync());
            }

            using var created = await http.PostAsync("api/v1/experiments", Json("""
                {"id": "durable", "model": "breast-cancer", "planned_sample_size": 100,
                 "variants": [{"name": "control", "version": "2", "weight": 50, "baseline": true}, {"name": "treatment", "version": "1", "weight": 50}]}
                """));
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }

        // Every silo and the API node die without warning; a new silo (fresh SQLite path) and API node come up.
        silo.Kill();
        await api.DisposeAsync();
        Owned.Remove(api);
        var restarted = await Nodes.StartSiloAsync();
        Owned.Add(restarted);
        var again = await Nodes.StartApiNodeAsync();
        Owned.Add(again);
        using var after = new HttpClient { BaseAddress = again.Address, Timeout = TimeSpan.FromSeconds(30) };

        // The repository's config says "dev"; only the registry in Redis knows the version was staged.
        var version = await EventuallyJsonAsync(after, "api/v1/models/breast-cancer/versions/7", restarted);
        Assert.Equal("staging", (string?)version["stage"]);
        var experiment = await EventuallyJsonAsync(after, "api/v1/experiments/durable", restarted);
        Assert.Equal("breast-cancer", (string?)experiment["model"]);
        output.WriteLine($"After the restart: version 7 {version["stage"]}, experiment {experiment["id"]} {experiment["state"]}.");
    }

    private async Task RegisterVersionAsync(HttpClient http, string version, string stage)
    {
        using var form = new MultipartFormDataContent();
        var source = Path.Combine(RepositoryPaths.Models, "breast-cancer", "2");
        var model = new ByteArrayContent(await File.ReadAllBytesAsync(Path.Combine(source, "model.onnx")));
        model.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(model, "model", "model.onnx");
        var config = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(source, "config.json")))!;
        config["version"] = version;
        config["stage"] = stage;
        config.AsObject().Remove("sha256");
        form.Add(new StringContent(config.ToJsonString()), "config");
        using var created = await http.PostAsync("api/v1/models/breast-cancer/versions", form);
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
    }

    private static async Task<JsonNode> EventuallyJsonAsync(HttpClient http, string path, ClusterProcess silo)
    {
        var until = DateTime.UtcNow + Bound;
        while (true)
        {
            using var response = await http.GetAsync(path);
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return JsonNode.Parse(text)!;
            }

            Assert.True(DateTime.UtcNow < until, $"GET {path} after the restart: {(int)response.StatusCode} {text}\nSilo:\n{silo.Output}");
            await Task.Delay(200);
        }
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
