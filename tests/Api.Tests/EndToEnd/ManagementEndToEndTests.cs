using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.EndToEnd;

/// <summary>The management API's round trip: register (path and upload), stage, load, deploy, predict, unload, archive.</summary>
public sealed class ManagementEndToEndTests : IAsyncLifetime
{
    private ApiServer _server = null!;

    private HttpClient Client => _server.Client;

    public async Task InitializeAsync() => _server = await ApiServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task RegisterStageLoadDeployPredictUnloadArchive_RoundTrip()
    {
        var list = JsonNode.Parse(await Client.GetStringAsync("api/v1/models"))!["models"]!.AsArray();
        Assert.Contains(list, m => (string?)m!["name"] == "breast-cancer");

        // Register version 3 from a folder inside the repository.
        CopyVersion("1", "3", stage: "staging");
        using (var registered = await Client.PostAsJsonAsync("api/v1/models/breast-cancer/versions", new { path = "breast-cancer/3" }))
        {
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
            var view = JsonNode.Parse(await registered.Content.ReadAsStringAsync())!;
            Assert.Equal("staging", (string?)view["stage"]);
            Assert.Equal(64, ((string?)view["sha256"])!.Length);
        }

        // Register version 4 by multipart upload.
        using (var upload = await UploadAsync("4"))
        {
            Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        }

        using (var duplicate = await UploadAsync("4"))
        {
            Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        }

        Assert.True(File.Exists(Path.Combine(_server.ModelRoot, "breast-cancer", "4", "model.onnx")));

        using (var stage = await Client.PostAsJsonAsync("api/v1/models/breast-cancer/versions/3/stage", new { stage = "production" }))
        {
            Assert.Equal(HttpStatusCode.OK, stage.StatusCode);
        }

        using (var load = await Client.PostAsync("api/v1/models/breast-cancer/versions/3/load", null))
        {
            Assert.Equal(HttpStatusCode.OK, load.StatusCode);
            Assert.Contains("\"ready\"", await load.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var deploy = await Client.PostAsJsonAsync("api/v1/models/breast-cancer/deploy", new { version = "3", traffic_percentage = 100 }))
        {
            Assert.Equal(HttpStatusCode.OK, deploy.StatusCode);
        }

        Assert.Equal("3", (string?)(await PredictAsync())["model_version"]);
        var deployment = JsonNode.Parse(await Client.GetStringAsync("api/v1/models/breast-cancer/deployment"))!;
        Assert.Equal("3", (string?)deployment["version"]);

        using (var archiveServing = await Client.PostAsync("api/v1/models/breast-cancer/versions/3/archive", null))
        {
            Assert.Equal(HttpStatusCode.Conflict, archiveServing.StatusCode);
        }

        using (var unload = await Client.PostAsync("api/v1/models/breast-cancer/versions/4/unload", null))
        {
            Assert.Equal(HttpStatusCode.OK, unload.StatusCode);
        }

        // An unloaded version exists but cannot serve now: 503 with Retry-After, naming it, not 404.
        using (var unloaded = await Client.PostAsJsonAsync("api/v1/predict", new { model = "breast-cancer", version = "4", features = new float[30] }))
        {
            var text = await unloaded.Content.ReadAsStringAsync();
            Assert.True(unloaded.StatusCode == HttpStatusCode.ServiceUnavailable, $"predict on an unloaded version: expected 503, got {(int)unloaded.StatusCode}: {text}");
            Assert.True(unloaded.Headers.RetryAfter?.Delta > TimeSpan.Zero, "predict on an unloaded version: no Retry-After.");
            Assert.Contains("breast-cancer/4", text, StringComparison.Ordinal);
        }

        using (var archive = await Client.PostAsync("api/v1/models/breast-cancer/versions/4/archive", null))
        {
            Assert.Equal(HttpStatusCode.OK, archive.StatusCode);
        }

        using (var deployArchived = await Client.PostAsJsonAsync("api/v1/models/breast-cancer/deploy", new { version = "4" }))
        {
            Assert.Equal(HttpStatusCode.Conflict, deployArchived.StatusCode);
        }

        var version4 = JsonNode.Parse(await Client.GetStringAsync("api/v1/models/breast-cancer/versions/4"))!;
        Assert.Equal("archived", (string?)version4["stage"]);

        // The registry is durable: a restart over the same folder keeps stages and the deployment.
        var directory = _server.Directory;
        await _server.StopAsync();
        _server = await ApiServer.StartAsync(directory: directory);
        Assert.Equal("3", (string?)(await PredictAsync())["model_version"]);
        Assert.Equal("archived", (string?)JsonNode.Parse(await Client.GetStringAsync("api/v1/models/breast-cancer/versions/4"))!["stage"]);
    }

    [Theory]
    [InlineData("""{"path": "../../etc"}""", HttpStatusCode.BadRequest, "outside")]
    [InlineData("""{"path": "/etc"}""", HttpStatusCode.BadRequest, "relative")]
    [InlineData("""{"path": "iris/1"}""", HttpStatusCode.BadRequest, "'iris'")]
    [InlineData("""{}""", HttpStatusCode.BadRequest, "path")]
    public async Task Register_BadPath_IsRefused(string body, HttpStatusCode expected, string mentioned)
    {
        using var response = await Client.PostAsync("api/v1/models/breast-cancer/versions", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(expected, response.StatusCode);
        Assert.Contains(mentioned, (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"], StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("api/v1/models/breast-cancer/deploy", """{"version": "9"}""", HttpStatusCode.NotFound)]
    [InlineData("api/v1/models/breast-cancer/deploy", """{"version": "1", "traffic_percentage": 0}""", HttpStatusCode.BadRequest)]
    [InlineData("api/v1/models/breast-cancer/deploy", """{}""", HttpStatusCode.BadRequest)]
    [InlineData("api/v1/models/breast-cancer/versions/1/stage", """{"stage": "live"}""", HttpStatusCode.BadRequest)]
    [InlineData("api/v1/models/nope/versions/1/stage", """{"stage": "dev"}""", HttpStatusCode.NotFound)]
    public async Task Management_BadRequests_AreRejected(string path, string body, HttpStatusCode expected)
    {
        using var response = await Client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private void CopyVersion(string from, string to, string stage)
    {
        var source = Path.Combine(_server.ModelRoot, "breast-cancer", from);
        var target = Path.Combine(_server.ModelRoot, "breast-cancer", to);
        Directory.CreateDirectory(target);
        File.Copy(Path.Combine(source, "model.onnx"), Path.Combine(target, "model.onnx"));
        File.WriteAllText(Path.Combine(target, "config.json"), RewriteConfig(File.ReadAllText(Path.Combine(source, "config.json")), to, stage));
    }

    private static string RewriteConfig(string config, string version, string stage)
    {
        var json = JsonNode.Parse(config)!.AsObject();
        json["version"] = version;
        json["stage"] = stage;
        json.Remove("sha256");
        return json.ToJsonString();
    }

    private async Task<HttpResponseMessage> UploadAsync(string version)
    {
        var source = Path.Combine(RepositoryPaths.Models, "breast-cancer", "2");
        using var form = new MultipartFormDataContent();
        var model = new ByteArrayContent(await File.ReadAllBytesAsync(Path.Combine(source, "model.onnx")));
        model.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(model, "model", "model.onnx");
        form.Add(new StringContent(RewriteConfig(await File.ReadAllTextAsync(Path.Combine(source, "config.json")), version, "dev")), "config");
        return await Client.PostAsync("api/v1/models/breast-cancer/versions", form);
    }

    private async Task<JsonNode> PredictAsync()
    {
        var body = """{"model": "breast-cancer", "features": {"mean radius": 13.5, "mean texture": 14.4, "worst radius": 15.1, "worst area": 711.2}}""";
        using var response = await Client.PostAsync("api/v1/predict", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!;
    }
}
