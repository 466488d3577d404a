using System.Collections.Concurrent;
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
/// Cluster mode with two API nodes that host no silo and silos that come and go, each its own OS process on 127.0.0.1
/// over a real redis-server: both nodes assign every user the same variant, a traffic-split change made on one node is
/// served by the other within a second, and a silo that joins takes a share of the predictions.
/// </summary>
[Collection(ClusterProcessesCollection.Name)]
public sealed class TwoApiNodesThreeSilosTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan AgreementBound = TimeSpan.FromSeconds(1);
    private const int Users = 1000;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "oi-two-nodes-" + Guid.NewGuid().ToString("N"));
    private readonly List<ClusterProcess> _processes = [];
    private readonly List<GridServerProcess> _apis = [];
    private int _redisPort;
    private string _clusterId = string.Empty;

    public async Task InitializeAsync()
    {
        RepositoryPaths.CopyDirectory(RepositoryPaths.Models, Path.Combine(_root, "models"));
        _redisPort = LoopbackPorts.Free(1)[0];
        _clusterId = "two-" + Guid.NewGuid().ToString("N")[..8];
        _processes.Add(await ClusterProcess.StartRedisAsync(_redisPort));
    }

    public async Task DisposeAsync()
    {
        foreach (var api in _apis)
        {
            await api.DisposeAsync();
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
    public async Task TwoApiNodes_AssignAThousandUsersAlike_AndSeeASplitChangeWithinASecond()
    {
        await StartSiloAsync();
        await StartSiloAsync();
        var a = await StartApiAsync();
        var b = await StartApiAsync();
        using var httpA = new HttpClient { BaseAddress = a.Address, Timeout = TimeSpan.FromSeconds(30) };
        using var httpB = new HttpClient { BaseAddress = b.Address, Timeout = TimeSpan.FromSeconds(30) };

        // An experiment created on node A; both nodes route by it.
        using (var created = await httpA.PostAsync("api/v1/experiments", Json("""
            {"id": "split", "model": "breast-cancer", "planned_sample_size": 1000,
             "variants": [{"name": "control", "version": "2", "weight": 50, "baseline": true}, {"name": "treatment", "version": "1", "weight": 50}]}
            """)))
        {
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }

        await EventuallyAsync(TimeSpan.FromSeconds(30), async () =>
            (string?)(await PredictAsync(httpA, "probe"))?["experiment"] == "split" && (string?)(await PredictAsync(httpB, "probe"))?["experiment"] == "split");

        // 1,000 users through both nodes: the same variant (and version) on each.
        var variants = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(Enumerable.Range(0, Users), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var user = "user-" + i.ToString(CultureInfo.InvariantCulture);
            var viaA = await PredictAsync(httpA, user) ?? throw new InvalidOperationException($"Node A did not answer for {user}.");
            var viaB = await PredictAsync(httpB, user) ?? throw new InvalidOperationException($"Node B did not answer for {user}.");
            Assert.Equal("split", (string?)viaA["experiment"]);
            Assert.True((string?)viaA["variant"] == (string?)viaB["variant"], $"{user}: node A says {viaA["variant"]}, node B {viaB["variant"]}.");
            Assert.Equal((string?)viaA["model_version"], (string?)viaB["model_version"]);
            variants[user] = (string)viaA["variant"]!;
        });
        var treated = variants.Where(v => v.Value == "treatment").Select(v => v.Key).ToList();
        output.WriteLine($"{Users} users: {treated.Count} in treatment, {Users - treated.Count} in control; identical on both nodes.");
        Assert.InRange(treated.Count, Users * 35 / 100, Users * 65 / 100);

        // The split changes on node A; node B serves the new split within a second.
        var changed = Stopwatch.StartNew();
        using (var patched = await httpA.PatchAsync("api/v1/experiments/split", Json("""{"weights": {"control": 100, "treatment": 0}}""")))
        {
            Assert.True(patched.IsSuccessStatusCode, await patched.Content.ReadAsStringAsync());
        }

        var user0 = treated[0];
        await EventuallyAsync(AgreementBound, async () => (string?)(await PredictAsync(httpB, user0))?["variant"] == "control");
        output.WriteLine($"Node B served the new split {changed.Elapsed.TotalMilliseconds:F0} ms after node A was asked to change it.");
        foreach (var user in treated.Take(20))
        {
            Assert.Equal("control", (string?)(await PredictAsync(httpB, user))?["variant"]);
            Assert.Equal("control", (string?)(await PredictAsync(httpA, user))?["variant"]);
        }

    }

    /// <summary>
    /// A third silo joins under traffic through two API nodes in client mode: the nodes read the new membership within
    /// seconds, the version's replica set grows to the three silos (no replica count: every silo), and the joined silo
    /// serves a share of the predictions, counted by the version's statistics on each silo.
    /// </summary>
    [Fact]
    public async Task ASiloThatJoins_TakesAShareOfThePredictions()
    {
        await StartSiloAsync();
        await StartSiloAsync();
        var a = await StartApiAsync();
        var b = await StartApiAsync();
        using var httpA = new HttpClient { BaseAddress = a.Address, Timeout = TimeSpan.FromSeconds(30) };
        using var httpB = new HttpClient { BaseAddress = b.Address, Timeout = TimeSpan.FromSeconds(30) };
        var version = (string?)(await PredictAsync(httpA, "warm"))?["model_version"];
        Assert.NotNull(version);
        Assert.NotNull(await PredictAsync(httpB, "warm"));
        var versionKey = "breast-cancer/" + version;

        // A third silo joins; predictions through the API nodes reach it.
        using var client = ClientHosts.Build(new Dictionary<string, string> { ["Redis"] = $"127.0.0.1:{_redisPort}", ["ClusterId"] = _clusterId });
        await client.StartAsync();
        var grains = client.Services.GetRequiredService<IClusterClient>();
        var management = grains.GetGrain<IManagementGrain>(0);
        var before = (await management.GetHosts(onlyActive: true)).Keys.ToHashSet();
        Assert.Equal(2, before.Count);
        await StartSiloAsync();
        SiloAddress? joined = null;
        await EventuallyAsync(TimeSpan.FromSeconds(30), async () =>
        {
            joined = (await management.GetHosts(onlyActive: true)).Keys.FirstOrDefault(s => !before.Contains(s));
            return joined is not null;
        });

        var served = new Dictionary<SiloAddress, long>();
        var joinedAt = Stopwatch.StartNew();
        var requests = 0;
        while (true)
        {
            for (var i = 0; i < 20; i++, requests++)
            {
                var reply = await PredictAsync(i % 2 == 0 ? httpA : httpB, "load-" + requests.ToString(CultureInfo.InvariantCulture));
                Assert.NotNull(reply);
            }

            served = await ServedPerSiloAsync(grains, versionKey, [.. before, joined!]);
            if (served[joined!] > 0)
            {
                break;
            }

            Assert.True(joinedAt.Elapsed < TimeSpan.FromSeconds(60),
                $"After {requests} predictions over {joinedAt.Elapsed.TotalSeconds:F0} s the joined silo {joined} served none of {versionKey}; per silo: {Describe(served)}.");
        }

        output.WriteLine($"The joined silo served predictions {joinedAt.Elapsed.TotalSeconds:F1} s after it joined ({requests} requests); {versionKey} served per silo: {Describe(served)}.");

        // Steady state: every silo takes a share.
        var baseline = served;
        for (var i = 0; i < 150; i++, requests++)
        {
            Assert.NotNull(await PredictAsync(i % 2 == 0 ? httpA : httpB, "steady-" + requests.ToString(CultureInfo.InvariantCulture)));
        }

        served = await ServedPerSiloAsync(grains, versionKey, [.. baseline.Keys]);
        var shares = served.ToDictionary(s => s.Key, s => s.Value - baseline[s.Key]);
        output.WriteLine($"150 more predictions, per silo: {Describe(shares)}.");
        Assert.All(shares, s => Assert.True(s.Value >= 15, $"Silo {s.Key} served {s.Value} of 150: {Describe(shares)}."));
        await client.StopAsync();
    }

    /// <summary>
    /// A deployment with <c>replicas: 2</c> on three silos: the version is loaded on, and served by, exactly the two
    /// silos its replica set names; the third serves none of it; the deployment shows the count.
    /// </summary>
    [Fact]
    public async Task TwoReplicasOnThreeSilos_ServeTheVersionFromExactlyTwoSilos()
    {
        await StartSiloAsync();
        await StartSiloAsync();
        await StartSiloAsync();
        var api = await StartApiAsync();
        using var http = new HttpClient { BaseAddress = api.Address, Timeout = TimeSpan.FromSeconds(60) };
        using var client = ClientHosts.Build(new Dictionary<string, string> { ["Redis"] = $"127.0.0.1:{_redisPort}", ["ClusterId"] = _clusterId });
        await client.StartAsync();
        var grains = client.Services.GetRequiredService<IClusterClient>();
        var management = grains.GetGrain<IManagementGrain>(0);
        SiloAddress[] silos = [];
        await EventuallyAsync(TimeSpan.FromSeconds(30), async () => (silos = [.. (await management.GetHosts(onlyActive: true)).Keys]).Length == 3);
        Assert.NotNull(await PredictAsync(http, "warm"));

        // Version 1 is not the production version, so no silo loaded it at start.
        using (var deployed = await http.PostAsync("api/v1/models/breast-cancer/deploy", Json("""{"version": "1", "replicas": 2}""")))
        {
            Assert.True(deployed.StatusCode == HttpStatusCode.OK, await deployed.Content.ReadAsStringAsync());
            Assert.Equal(2, (int?)JsonNode.Parse(await deployed.Content.ReadAsStringAsync())?["replicas"]);
        }

        using (var shown = await http.GetAsync("api/v1/models/breast-cancer/deployment"))
        {
            var deployment = JsonNode.Parse(await shown.Content.ReadAsStringAsync())!;
            Assert.Equal("1", (string?)deployment["version"]);
            Assert.Equal(2, (int?)deployment["replicas"]);
        }

        // Every silo's catalog replica follows the deployment within the grid's agreement bound (1 s, measured by
        // TwoApiNodes_AssignAThousandUsersAlike_AndSeeASplitChangeWithinASecond); until then a route resolved on a
        // silo that has not seen it yet still names every silo.
        await Task.Delay(TimeSpan.FromSeconds(3));
        const string versionKey = "breast-cancer/1";
        var before = await ServedPerSiloAsync(grains, versionKey, silos);
        for (var i = 0; i < 120; i++)
        {
            var reply = await PredictAsync(http, "user-" + i.ToString(CultureInfo.InvariantCulture));
            Assert.Equal("1", (string?)reply?["model_version"]);
        }

        var after = await ServedPerSiloAsync(grains, versionKey, silos);
        var shares = after.ToDictionary(s => s.Key, s => s.Value - before[s.Key]);
        output.WriteLine($"120 predictions of {versionKey} with 2 replicas on 3 silos, per silo: {Describe(shares)}.");
        var serving = shares.Where(s => s.Value > 0).Select(s => s.Key).OrderBy(s => s.ToParsableString(), StringComparer.Ordinal).ToList();
        Assert.Equal(2, serving.Count);
        Assert.Equal(ModelReplicas.Choose(versionKey, silos, 2).OrderBy(s => s.ToParsableString(), StringComparer.Ordinal), serving);
        Assert.All(serving, s => Assert.True(shares[s] >= 20, $"Silo {s} served {shares[s]} of 120: {Describe(shares)}."));
        await client.StopAsync();
    }

    /// <summary>How many inferences <paramref name="versionKey"/> ran on each silo since it loaded there.</summary>
    private static async Task<Dictionary<SiloAddress, long>> ServedPerSiloAsync(IClusterClient grains, string versionKey, IEnumerable<SiloAddress> silos)
    {
        var served = new Dictionary<SiloAddress, long>();
        foreach (var silo in silos)
        {
            var replica = await grains.GetGrain<IModelReplicaGrain>(ModelReplicas.ReplicaKey(versionKey, silo)).GetStatisticsAsync(CancellationToken.None);
            Assert.Equal(silo.ToParsableString(), replica.Silo);
            served[silo] = replica.Statistics.InferenceCount;
        }

        return served;
    }

    private static string Describe(Dictionary<SiloAddress, long> served) => string.Join(", ", served.Select(s => $"{s.Key} x{s.Value}"));

    private async Task StartSiloAsync()
    {
        var ports = LoopbackPorts.Free(2);
        _processes.Add(await ClusterProcess.StartSiloAsync(_root,
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
        ]));
    }

    private async Task<GridServerProcess> StartApiAsync()
    {
        var api = await GridServerProcess.StartApiNodeAsync(_root, [$"--InferenceClient:Redis=127.0.0.1:{_redisPort}", $"--InferenceClient:ClusterId={_clusterId}"]);
        _apis.Add(api);
        return api;
    }

    /// <summary>A prediction for <paramref name="user"/>; null when the node answered with a retryable 503/504.</summary>
    private static async Task<JsonNode?> PredictAsync(HttpClient http, string user)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var response = await http.PostAsync("api/v1/predict",
                Json($$$"""{"model": "breast-cancer", "user_id": "{{{user}}}", "features": {"mean radius": 13.5, "mean texture": 14.4}}"""));
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout && attempt < 5)
            {
                // A version loading on a silo that had not served it yet; the caller may retry, as clients do on Retry-After.
                await Task.Delay(500);
                continue;
            }

            Assert.True(response.IsSuccessStatusCode, $"predict for {user}: {(int)response.StatusCode} {text}");
            return JsonNode.Parse(text);
        }
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task EventuallyAsync(TimeSpan bound, Func<Task<bool>> condition)
    {
        var started = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(started.Elapsed < bound, $"Not within {bound.TotalSeconds} s.");
            await Task.Delay(20);
        }
    }
}
