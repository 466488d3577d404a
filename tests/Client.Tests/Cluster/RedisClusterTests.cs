using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans;
using Orleans.Runtime;
using OrleansInference.Client.Tests.Infrastructure;
using OrleansInference.Contracts.Models;
using Xunit.Abstractions;

namespace OrleansInference.Client.Tests.Cluster;

/// <summary>
/// Cluster mode on one host: a real redis-server, two standalone silos (src/SiloHost) and an API node without a silo,
/// each its own OS process on 127.0.0.1. Killing a silo (SIGKILL) under steady traffic loses no correctness: every
/// answer is right or a fast 503, and predictions resume on the survivor within a bound; a silo that joins then takes a
/// share of the version's predictions.
/// </summary>
public sealed class RedisClusterTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>How long a request may take before it counts as hanging.</summary>
    private static readonly TimeSpan RequestBound = TimeSpan.FromSeconds(10);

    /// <summary>Predictions must be served again this soon after a silo dies (membership declares it dead in ~3 s).</summary>
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(30);

    private const string Body = """{"model": "breast-cancer", "features": {"mean radius": 13.5, "mean texture": 14.4, "worst radius": 15.1, "worst area": 711.2}}""";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "oi-cluster-" + Guid.NewGuid().ToString("N"));
    private readonly List<ClusterProcess> _processes = [];
    private GridServerProcess? _api;
    private int _redisPort;
    private string _clusterId = string.Empty;

    public async Task InitializeAsync()
    {
        RepositoryPaths.CopyDirectory(RepositoryPaths.Models, Path.Combine(_root, "models"));
        _redisPort = LoopbackPorts.Free(1)[0];
        _clusterId = "test-" + Guid.NewGuid().ToString("N")[..8];
        _processes.Add(await ClusterProcess.StartRedisAsync(_redisPort));
    }

    public async Task DisposeAsync()
    {
        if (_api is not null)
        {
            await _api.DisposeAsync();
        }

        foreach (var process in Enumerable.Reverse(_processes))
        {
            await process.DisposeAsync();
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
    public async Task KillingASilo_UnderTraffic_AnswersRightOrFast503_AndServesAgainOnTheSurvivor_ThenASiloThatJoinsTakesAShare()
    {
        var first = await StartSiloAsync();
        var second = await StartSiloAsync();
        _api = await GridServerProcess.StartApiNodeAsync(_root, [$"--InferenceClient:Redis=127.0.0.1:{_redisPort}", $"--InferenceClient:ClusterId={_clusterId}"]);
        using var http = new HttpClient { BaseAddress = _api.Address, Timeout = RequestBound };

        // Warm: the first calls load the version on the silo they reach (slow on a busy machine); then 20 in a row.
        var expected = await FirstAnswerAsync(http);
        for (var i = 0; i < 20; i++)
        {
            var answer = await PredictAsync(http);
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            Assert.Equal(expected.Answer, answer.Answer);
        }

        first.Kill();
        var killed = Stopwatch.StartNew();
        var statuses = new Dictionary<HttpStatusCode, int>();
        var consecutive = 0;
        TimeSpan? recovered = null;
        while (killed.Elapsed < RecoveryBound + RequestBound)
        {
            var started = Stopwatch.GetTimestamp();
            Reply reply;
            try
            {
                reply = await PredictAsync(http);
            }
            catch (TaskCanceledException)
            {
                Assert.Fail($"A predict hung past {RequestBound.TotalSeconds} s after the silo was killed.\nAPI:\n{_api.Output}");
                return;
            }

            var took = Stopwatch.GetElapsedTime(started);
            statuses[reply.Status] = statuses.GetValueOrDefault(reply.Status) + 1;
            if (reply.Status == HttpStatusCode.OK)
            {
                Assert.Equal(expected.Answer, reply.Answer);
                if (++consecutive == 20)
                {
                    recovered = killed.Elapsed;
                    break;
                }
            }
            else
            {
                // 503: the call met the dead silo; 504: it waited in the survivor's queue while the version loaded there.
                Assert.True(reply.Status is HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout, $"After the kill: {(int)reply.Status} {reply.Answer}");
                Assert.True(took < RequestBound, $"A 503 took {took.TotalSeconds:F1} s.");
                consecutive = 0;
                await Task.Delay(50);
            }
        }

        output.WriteLine($"Answers after the kill: {string.Join(", ", statuses.Select(s => $"{(int)s.Key} x{s.Value}"))}; served again after {recovered?.TotalSeconds:F1} s.");
        Assert.True(recovered is not null && recovered < RecoveryBound, $"Predictions did not resume within {RecoveryBound.TotalSeconds} s: {string.Join(", ", statuses)}.\nSurvivor:\n{second.Output}");

        // A new silo joins under the same traffic and takes a share of the version (its replica set is every silo).
        using var client = ClientHosts.Build(new Dictionary<string, string> { ["Redis"] = $"127.0.0.1:{_redisPort}", ["ClusterId"] = _clusterId });
        await client.StartAsync();
        var grains = client.Services.GetRequiredService<IClusterClient>();
        var management = grains.GetGrain<IManagementGrain>(0);
        var before = (await management.GetHosts(onlyActive: true)).Keys.ToHashSet();
        await StartSiloAsync();
        var joining = Stopwatch.StartNew();
        SiloAddress? joined = null;
        while ((joined = (await management.GetHosts(onlyActive: true)).Keys.FirstOrDefault(s => !before.Contains(s))) is null)
        {
            Assert.True(joining.Elapsed < RecoveryBound, $"The new silo did not join within {RecoveryBound.TotalSeconds} s.");
            await Task.Delay(100);
        }

        var replica = grains.GetGrain<IModelReplicaGrain>(ModelReplicas.ReplicaKey("breast-cancer/" + expected.Answer.Split(' ')[^1], joined));
        var joinedAt = Stopwatch.StartNew();
        var requests = 0;
        while ((await replica.GetStatisticsAsync(CancellationToken.None)).Statistics.InferenceCount == 0)
        {
            Assert.True(joinedAt.Elapsed < RecoveryBound, $"The joined silo served none of {requests} predictions in {RecoveryBound.TotalSeconds} s.");
            for (var i = 0; i < 10; i++, requests++)
            {
                var started = Stopwatch.GetTimestamp();
                var reply = await PredictAsync(http);
                if (reply.Status == HttpStatusCode.OK)
                {
                    Assert.Equal(expected.Answer, reply.Answer);
                }
                else
                {
                    // 504: a request that waited while the version loaded on the joined silo.
                    Assert.True(reply.Status is HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout, $"After the join: {(int)reply.Status} {reply.Answer}");
                    Assert.True(Stopwatch.GetElapsedTime(started) < RequestBound, $"A {(int)reply.Status} took {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s.");
                }
            }
        }

        output.WriteLine($"The silo that joined served predictions {joinedAt.Elapsed.TotalSeconds:F1} s after it was active ({requests} requests).");
        await client.StopAsync();
    }

    private async Task<ClusterProcess> StartSiloAsync()
    {
        var ports = LoopbackPorts.Free(2);
        var silo = await ClusterProcess.StartSiloAsync(_root,
        [
            $"--Orleans:Redis=127.0.0.1:{_redisPort}",
            $"--Orleans:ClusterId={_clusterId}",
            $"--Orleans:SiloPort={ports[0]}",
            $"--Orleans:GatewayPort={ports[1]}",
            "--Orleans:Dashboard=false",
            $"--ModelRepository:RootPath={Path.Combine(_root, "models")}",
            $"--Registry:SqlitePath={Path.Combine(_root, "registry.db")}",
            $"--BatchJobs:DataRoot={Path.Combine(_root, "batch", "input")}",
            $"--BatchJobs:OutputRoot={Path.Combine(_root, "batch", "output")}",
            $"--BatchJobs:StateRoot={Path.Combine(_root, "batch", "state")}",
        ]);
        _processes.Add(silo);
        return silo;
    }

    private static async Task<Reply> FirstAnswerAsync(HttpClient http)
    {
        var until = DateTime.UtcNow + RecoveryBound;
        while (true)
        {
            var reply = await PredictAsync(http);
            if (reply.Status == HttpStatusCode.OK)
            {
                return reply;
            }

            Assert.True(DateTime.UtcNow < until, $"No prediction within {RecoveryBound.TotalSeconds} s of start: {(int)reply.Status} {reply.Answer}");
            await Task.Delay(200);
        }
    }

    private static async Task<Reply> PredictAsync(HttpClient http)
    {
        using var response = await http.PostAsync("api/v1/predict", new StringContent(Body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return new Reply(response.StatusCode, text);
        }

        var json = JsonNode.Parse(text)!;
        return new Reply(response.StatusCode, string.Create(CultureInfo.InvariantCulture, $"{json["label"]} {json["confidence"]} {json["model_version"]}"));
    }

    private sealed record Reply(HttpStatusCode Status, string Answer);
}
