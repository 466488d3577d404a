using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using OrleansInference.Client.Tests.Infrastructure;

namespace OrleansInference.Client.Tests;

/// <summary>
/// An API process that hosts no silo (<c>Api:Grid=Client</c>) beside one that does, each its own OS process on
/// 127.0.0.1: the client node serves every route through grain calls, and a change made through either node is served
/// by both.
/// </summary>
public sealed class ApiNodeAsClusterClientTests : IAsyncLifetime
{
    private static readonly TimeSpan AgreementBound = TimeSpan.FromSeconds(1);
    private GridServerProcess? _silo;
    private GridServerProcess? _client;
    private HttpClient _siloHttp = null!;
    private HttpClient _clientHttp = null!;

    public async Task InitializeAsync()
    {
        _silo = await GridServerProcess.StartAsync();
        _client = await GridServerProcess.StartClientNodeAsync(_silo);
        _siloHttp = new HttpClient { BaseAddress = _silo.Address, Timeout = TimeSpan.FromSeconds(30) };
        _clientHttp = new HttpClient { BaseAddress = _client.Address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        _siloHttp?.Dispose();
        _clientHttp?.Dispose();
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }

    [Fact]
    public async Task ClientNode_ServesPredictV2AndManagement_LikeTheSiloNode()
    {
        var body = """{"model": "breast-cancer", "features": {"mean radius": 13.5, "mean texture": 14.4, "worst radius": 15.1, "worst area": 711.2}}""";
        var viaSilo = await SendAsync(_siloHttp, HttpMethod.Post, "api/v1/predict", body);
        var viaClient = await SendAsync(_clientHttp, HttpMethod.Post, "api/v1/predict", body);
        Assert.Equal((string?)viaSilo["label"], (string?)viaClient["label"]);
        Assert.Equal((double?)viaSilo["confidence"], (double?)viaClient["confidence"]);
        Assert.Equal((string?)viaSilo["model_version"], (string?)viaClient["model_version"]);

        var v2 = await SendAsync(_clientHttp, HttpMethod.Post, "v2/models/iris/infer",
            """{"inputs": [{"name": "features", "shape": [1, 4], "datatype": "FP32", "data": [-0.9, 1.0, -1.3, -1.3]}]}""");
        Assert.Equal("iris", (string?)v2["model_name"]);

        var models = await SendAsync(_clientHttp, HttpMethod.Get, "api/v1/models");
        var names = models["models"]!.AsArray().Select(m => (string?)m!["name"]).ToList();
        Assert.Contains("breast-cancer", names);
        Assert.Contains("iris", names);

        using var ready = await _clientHttp.GetAsync("ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        using var unknown = await _clientHttp.PostAsync("api/v1/predict", new StringContent("""{"model": "nope", "features": {"a": 1}}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        // The operator page's overview on the client node: the silo's versions and counters, through grain calls.
        var overview = await SendAsync(_clientHttp, HttpMethod.Get, "ui/api/overview");
        var iris = overview["models"]!.AsArray().Single(m => (string?)m!["name"] == "iris")!["versions"]!.AsArray().Single(v => (string?)v!["version"] == "1")!;
        Assert.Equal("ready", (string?)iris["state"]);
        Assert.Equal("CPU", (string?)iris["execution_provider"]);
        Assert.True((long)iris["statistics"]!["inference_count"]! >= 1, iris.ToJsonString());
    }

    [Fact]
    public async Task Registration_And_StageChange_OnOneNode_AreServedByTheOther_WithinOneSecond()
    {
        // Registered through the client node (the file lands in the shared repository; the catalog grain records it).
        using (var form = new MultipartFormDataContent())
        {
            var source = Path.Combine(RepositoryPaths.Models, "breast-cancer", "2");
            var model = new ByteArrayContent(await File.ReadAllBytesAsync(Path.Combine(source, "model.onnx")));
            model.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(model, "model", "model.onnx");
            var config = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(source, "config.json")))!;
            config["version"] = "7";
            config["stage"] = "dev";
            config.AsObject().Remove("sha256");
            form.Add(new StringContent(config.ToJsonString()), "config");
            using var created = await _clientHttp.PostAsync("api/v1/models/breast-cancer/versions", form);
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }

        await EventuallyAsync(async () => (await _siloHttp.GetAsync("api/v1/models/breast-cancer/versions/7")).StatusCode == HttpStatusCode.OK);

        // Staged through the silo node; the client node sees the new stage.
        using (var staged = await _siloHttp.PostAsync("api/v1/models/breast-cancer/versions/7/stage", Json("""{"stage": "staging"}""")))
        {
            Assert.True(staged.IsSuccessStatusCode, await staged.Content.ReadAsStringAsync());
        }

        await EventuallyAsync(async () =>
        {
            var version = await SendAsync(_clientHttp, HttpMethod.Get, "api/v1/models/breast-cancer/versions/7");
            return (string?)version["stage"] == "staging";
        });
    }

    [Fact]
    public async Task Experiment_CreatedOnTheClientNode_AssignsEveryUserTheSameVariant_OnBothNodes()
    {
        using (var created = await _clientHttp.PostAsync("api/v1/experiments", Json("""
            {"id": "nodes", "model": "breast-cancer", "planned_sample_size": 100,
             "variants": [{"name": "control", "version": "2", "weight": 50, "baseline": true}, {"name": "treatment", "version": "1", "weight": 50}]}
            """)))
        {
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }

        await EventuallyAsync(async () => (string?)(await PredictAsUserAsync(_siloHttp, "probe"))["experiment"] == "nodes"
            && (string?)(await PredictAsUserAsync(_clientHttp, "probe"))["experiment"] == "nodes");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 100; i++)
        {
            var user = "user-" + i.ToString(CultureInfo.InvariantCulture);
            var a = await PredictAsUserAsync(_clientHttp, user);
            var b = await PredictAsUserAsync(_siloHttp, user);
            Assert.Equal("nodes", (string?)a["experiment"]);
            Assert.Equal((string?)a["variant"], (string?)b["variant"]);
            Assert.Equal((string?)a["model_version"], (string?)b["model_version"]);
            seen.Add((string)a["variant"]!);
        }

        Assert.Equal(2, seen.Count);
    }

    private static async Task<JsonNode> PredictAsUserAsync(HttpClient http, string user) =>
        await SendAsync(http, HttpMethod.Post, "api/v1/predict",
            $$$"""{"model": "breast-cancer", "user_id": "{{{user}}}", "features": {"mean radius": 13.5, "mean texture": 14.4}}""");

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<JsonNode> SendAsync(HttpClient http, HttpMethod method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : Json(body) };
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds, failing when it does not within <see cref="AgreementBound"/>.</summary>
    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        var started = DateTime.UtcNow;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow - started < AgreementBound, $"The other node did not agree within {AgreementBound.TotalSeconds} s.");
            await Task.Delay(20);
        }
    }
}
