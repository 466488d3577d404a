using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using OrleansInference.Api.Tests.Infrastructure;
using OrleansInference.OnnxModel;
using DataType = OrleansInference.OnnxModel.Proto.TensorProto.Types.DataType;

namespace OrleansInference.Api.Tests.Rollout;

/// <summary>
/// Every way into production goes through the load-first deploy path: a version registered or staged straight to
/// production takes traffic only after it loads and warms, and one that fails to load never takes any while live
/// traffic stays on the version serving before. Uploads are checked as ONNX before anything is written.
/// </summary>
public sealed class ProductionRolloutTests : IAsyncLifetime
{
    /// <summary>The upload limit of the test server: above breast-cancer v2's 2,767 bytes.</summary>
    private const int UploadLimit = 4096;

    private ApiServer _server = null!;

    private HttpClient Client => _server.Client;

    public async Task InitializeAsync() =>
        _server = await ApiServer.StartAsync(settings: new Dictionary<string, string> { ["ModelRepository:MaxUploadBytes"] = UploadLimit.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task BrokenVersion_RegisteredOrStagedToProduction_NeverTakesTraffic()
    {
        Assert.Equal("2", await ServedVersionAsync());

        // Live traffic runs through the whole attempt; every answer must come from version 2.
        using var stop = new CancellationTokenSource();
        var traffic = Task.Run(() => PredictUntilAsync(stop.Token));

        using (var registered = await UploadAsync("3", BrokenModel(), "production"))
        {
            var text = await registered.Content.ReadAsStringAsync();
            Assert.True(registered.StatusCode == HttpStatusCode.Conflict, $"register a broken version to production: expected 409, got {(int)registered.StatusCode}: {text}");
            Assert.Contains("breast-cancer/3", text, StringComparison.Ordinal);
            Assert.Contains("breast-cancer/2' keeps serving", text, StringComparison.Ordinal);
        }

        var version3 = JsonNode.Parse(await Client.GetStringAsync("api/v1/models/breast-cancer/versions/3"))!;
        Assert.Equal("staging", (string?)version3["stage"]);

        using (var staged = await Client.PostAsJsonAsync("api/v1/models/breast-cancer/versions/3/stage", new { stage = "production" }))
        {
            var text = await staged.Content.ReadAsStringAsync();
            Assert.True(staged.StatusCode == HttpStatusCode.Conflict, $"stage a broken version to production: expected 409, got {(int)staged.StatusCode}: {text}");
        }

        await stop.CancelAsync();
        var (answers, wrong) = await traffic;
        Assert.True(answers > 0, "no live prediction completed during the attempts");
        Assert.True(wrong.Count == 0, $"live traffic left version 2 or failed: {string.Join("; ", wrong.Take(5))}");
        Assert.Equal("2", await ServedVersionAsync());
        Assert.Equal("2", (string?)JsonNode.Parse(await Client.GetStringAsync("api/v1/models/breast-cancer/deployment"))!["version"]);
        Assert.Equal("staging", (string?)JsonNode.Parse(await Client.GetStringAsync("api/v1/models/breast-cancer/versions/3"))!["stage"]);

        // The same path with a working model moves traffic once the version is warm.
        using (var good = await UploadAsync("4", await File.ReadAllBytesAsync(Path.Combine(RepositoryPaths.Models, "breast-cancer", "2", "model.onnx")), "production"))
        {
            Assert.True(good.StatusCode == HttpStatusCode.Created, await good.Content.ReadAsStringAsync());
        }

        Assert.Equal("4", await ServedVersionAsync());
        using (var staged = await Client.PostAsJsonAsync("api/v1/models/breast-cancer/versions/1/stage", new { stage = "production" }))
        {
            Assert.Equal(HttpStatusCode.OK, staged.StatusCode);
        }

        Assert.Equal("1", await ServedVersionAsync());
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("text")]
    [InlineData("empty-graph")]
    public async Task Upload_NotOnnx_Is400NamingTheFile_AndLeavesNothing(string kind)
    {
        var bytes = kind switch
        {
            "garbage" => Enumerable.Range(0, 2000).Select(i => (byte)((i * 7919) ^ (i >> 3))).ToArray(),
            "text" => "hello world, this is not a model"u8.ToArray(),
            _ => new OnnxGraphBuilder("empty").AddInput("x", DataType.Float, 1L).ToBytes(),
        };

        using var response = await UploadAsync("7", bytes, "dev", fileName: "weights-" + kind + ".bin");

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"upload of {kind}: expected 400, got {(int)response.StatusCode}: {text}");
        Assert.Contains("weights-" + kind + ".bin", text, StringComparison.Ordinal);
        Assert.Contains("not an ONNX model", text, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_server.ModelRoot, "breast-cancer", "7")), "a refused upload left its version folder");
        Assert.Empty(Directory.GetDirectories(_server.ModelRoot, ".staging-*"));
        using var version = await Client.GetAsync("api/v1/models/breast-cancer/versions/7");
        Assert.Equal(HttpStatusCode.NotFound, version.StatusCode);
    }

    [Fact]
    public async Task Upload_ConfigWithAnUnknownKey_Is400NamingIt()
    {
        var model = await File.ReadAllBytesAsync(Path.Combine(RepositoryPaths.Models, "breast-cancer", "2", "model.onnx"));

        using var response = await UploadAsync("6", model, "dev", extraKey: "warmup_sample");

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400, got {(int)response.StatusCode}: {text}");
        Assert.Contains("unknown key 'warmup_sample'", text, StringComparison.Ordinal);
        Assert.Contains("warmup_samples", text, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_server.ModelRoot, "breast-cancer", "6")));
    }

    [Theory]
    [InlineData(UploadLimit + 1)]
    [InlineData(UploadLimit + (2 * 1024 * 1024))]
    public async Task Upload_OverTheLimit_Is413(int size)
    {
        using var response = await UploadAsync("8", new byte[size], "dev");

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"upload of {size} bytes: expected 413, got {(int)response.StatusCode}: {text}");
        Assert.Contains("MaxUploadBytes", text, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_server.ModelRoot, "breast-cancer", "8")));
    }

    /// <summary>A well-formed ONNX graph whose operator no runtime knows: it parses, and fails to load.</summary>
    private static byte[] BrokenModel() =>
        new OnnxGraphBuilder("broken")
            .AddInput("features", DataType.Float, "N", 30L)
            .AddOutput("probabilities", DataType.Float, "N", 2L)
            .AddNode("NoSuchOperator", ["features"], ["probabilities"])
            .ToBytes();

    private async Task<HttpResponseMessage> UploadAsync(string version, byte[] model, string stage, string fileName = "model.onnx", string? extraKey = null)
    {
        var config = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Models, "breast-cancer", "2", "config.json")))!.AsObject();
        config["version"] = version;
        config["stage"] = stage;
        config.Remove("sha256");
        if (extraKey is not null)
        {
            config[extraKey] = 1;
        }

        using var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(model);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(part, "model", fileName);
        form.Add(new StringContent(config.ToJsonString()), "config");
        return await Client.PostAsync("api/v1/models/breast-cancer/versions", form);
    }

    private async Task<string?> ServedVersionAsync()
    {
        using var response = await Client.PostAsync("api/v1/predict", new StringContent(PredictBody, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"predict: {(int)response.StatusCode} {text}");
        return (string?)JsonNode.Parse(text)!["model_version"];
    }

    private async Task<(int Answers, List<string> Wrong)> PredictUntilAsync(CancellationToken stop)
    {
        var answers = 0;
        var wrong = new List<string>();
        using var client = new HttpClient { BaseAddress = _server.Address, Timeout = TimeSpan.FromSeconds(30) };
        while (!stop.IsCancellationRequested && answers < 5000)
        {
            using var response = await client.PostAsync("api/v1/predict", new StringContent(PredictBody, Encoding.UTF8, "application/json"), CancellationToken.None);
            var text = await response.Content.ReadAsStringAsync(CancellationToken.None);
            var version = response.StatusCode == HttpStatusCode.OK ? (string?)JsonNode.Parse(text)!["model_version"] : null;
            if (version != "2")
            {
                wrong.Add($"{(int)response.StatusCode} version {version}: {text}");
            }

            answers++;
            await Task.Delay(10, CancellationToken.None);
        }

        return (answers, wrong);
    }

    private const string PredictBody = """{"model": "breast-cancer", "features": {"mean radius": 13.5, "mean texture": 14.4, "worst radius": 15.1, "worst area": 711.2}}""";
}
