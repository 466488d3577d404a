using System.Net;
using System.Text.Json.Nodes;
using OrleansInference.Api.Tests.Batch;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.Operator;

/// <summary>
/// <c>GET /ui/api/overview</c> on a server without keys: the same numbers as the endpoints that own them (version
/// statistics as <c>/v2/models/{m}/stats</c>, experiment metrics, batch job progress, drift), in one answer.
/// </summary>
public sealed class OperatorOverviewTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "oi-operator-" + Guid.NewGuid().ToString("N"));
    private ApiServer? _server;

    private ApiServer Server => _server ?? throw new InvalidOperationException("The server is not started.");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(_root, "data"));
        _server = await ApiServer.StartAsync(settings: BatchServerFixture.Settings(_root));
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Overview_AggregatesModelsExperimentsBatchJobsAndDrift()
    {
        var jobId = await OperatorTraffic.SetUpAsync(Server);
        long sent;
        await using (var traffic = OperatorTraffic.Start(Server, senders: 2))
        {
            await WaitForAsync("60 background predictions", () => Task.FromResult(traffic.Sent >= 60 ? null : $"{traffic.Sent} sent"));
            sent = traffic.Sent;
            traffic.AssertNoFailures();
        }

        // Nothing is in flight now: the overview's counters must match the endpoints that own them.
        var overview = await WaitForOverviewAsync("the batch job finished", o =>
            Job(o, jobId) is { } job && (string?)job["state"] == "succeeded" ? null : $"job: {Job(o, jobId)?.ToJsonString() ?? "not listed"}");

        var job = Job(overview, jobId)!;
        Assert.Equal(OperatorTraffic.BatchRows, (long)job["rows_done"]!);
        Assert.Equal(OperatorTraffic.BatchRows, (long)job["rows_total"]!);
        Assert.Equal(1.0, (double)job["progress"]!);
        Assert.Equal("breast-cancer", (string?)job["model"]);

        var stats = JsonNode.Parse(await Server.Client.GetStringAsync("v2/models/iris/stats"))!["model_stats"]![0]!;
        var iris = Version(overview, "iris", "1");
        Assert.Equal((long)stats["inference_count"]!, (long)iris["statistics"]!["inference_count"]!);
        Assert.Equal((long)stats["inference_stats"]!["success"]!["count"]!, (long)iris["statistics"]!["success_count"]!);
        Assert.True((long)iris["statistics"]!["success_count"]! >= sent * 2 / 3 - 2, $"iris success_count {iris["statistics"]!["success_count"]} for {sent} predictions, two in three on iris.");
        Assert.NotEmpty(iris["statistics"]!["batch_sizes"]!.AsObject());
        Assert.Equal("ready", (string?)iris["state"]);
        Assert.Equal("CPU", (string?)iris["execution_provider"]);
        var drift = JsonNode.Parse(await Server.Client.GetStringAsync("api/v1/models/iris/versions/1/drift"))!;
        Assert.Equal((string?)drift["status"], (string?)iris["drift"]!["status"]);
        Assert.Equal((long)drift["rows"]!, (long)iris["drift"]!["rows"]!);

        var breastCancer = overview["models"]!.AsArray().Single(m => (string?)m!["name"] == "breast-cancer")!;
        Assert.Equal(OperatorTraffic.ExperimentId, (string?)breastCancer["active_experiment"]);

        var experiment = overview["experiments"]!.AsArray().Single(e => (string?)e!["experiment"]!["id"] == OperatorTraffic.ExperimentId)!;
        Assert.Equal("running", (string?)experiment["experiment"]!["state"]);
        Assert.Equal([50, 50], experiment["experiment"]!["variants"]!.AsArray().Select(v => (int)v!["weight"]!));
        var metrics = JsonNode.Parse(await Server.Client.GetStringAsync($"api/v1/experiments/{OperatorTraffic.ExperimentId}/metrics"))!;
        Assert.Equal(
            metrics["variants"]!.AsArray().Select(v => (long)v!["requests"]!),
            experiment["metrics"]!["variants"]!.AsArray().Select(v => (long)v!["requests"]!));
        Assert.True(experiment["metrics"]!["variants"]!.AsArray().Sum(v => (long)v!["requests"]!) > 0, experiment.ToJsonString());
        Assert.Contains(experiment["events"]!.AsArray(), e => (string?)e!["kind"] == "created");
    }

    private static JsonNode? Job(JsonNode overview, string jobId) =>
        overview["batch_jobs"]!.AsArray().SingleOrDefault(j => (string?)j!["job_id"] == jobId);

    private static JsonNode Version(JsonNode overview, string model, string version) =>
        overview["models"]!.AsArray().Single(m => (string?)m!["name"] == model)!["versions"]!.AsArray().Single(v => (string?)v!["version"] == version)!;

    /// <summary>Polls the overview until <paramref name="check"/> (null when satisfied, else what it saw) passes.</summary>
    private async Task<JsonNode> WaitForOverviewAsync(string what, Func<JsonNode, string?> check)
    {
        JsonNode? overview = null;
        await WaitForAsync(what, async () =>
        {
            using var response = await Server.Client.GetAsync("ui/api/overview");
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /ui/api/overview: expected 200, got {(int)response.StatusCode}: {text}");
            overview = JsonNode.Parse(text)!;
            return check(overview);
        });
        return overview!;
    }

    private static async Task WaitForAsync(string what, Func<Task<string?>> check)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var seen = await check();
            if (seen is null)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Waited {Timeout.TotalSeconds} s for {what}; last seen: {seen}");
            await Task.Delay(200);
        }
    }
}
