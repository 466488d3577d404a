using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.Repository;

/// <summary>
/// The model repository in S3 (<c>ModelRepository:S3</c>), against a real s3rver process on 127.0.0.1: the demo models
/// served from the bucket answer as from the folder, uploads land in the bucket, a corrupted object is refused, and
/// an unreachable bucket is a clear 503.
/// </summary>
public sealed class S3RepositoryTests : IAsyncLifetime
{
    private const string BucketName = "oi-models";
    private static readonly string[] Numeric = ["iris/1", "breast-cancer/1", "breast-cancer/2", "digits/1"];

    private S3rverProcess _s3 = null!;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "oi-s3-test-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync() => _s3 = await S3rverProcess.StartAsync(BucketName);

    public async Task DisposeAsync()
    {
        if (_s3 is not null)
        {
            await _s3.DisposeAsync();
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    [Fact]
    public async Task DemoModelsFromTheBucket_AnswerAsFromTheFolder_AndUploadsLandInTheBucket()
    {
        await _s3.UploadDemoModelsAsync("demo/");

        var fromFolder = new Dictionary<string, string>();
        await using (var folder = await ApiServer.StartAsync())
        {
            foreach (var key in Numeric)
            {
                fromFolder[key] = await InferAsync(folder.Client, key);
            }
        }

        var cache = Path.Combine(_folder, "cache");
        await using var server = await ApiServer.StartAsync(prepare: EmptyFolder, settings: _s3.RepositorySettings("demo", cache));
        foreach (var key in Numeric)
        {
            Assert.Equal(fromFolder[key], await InferAsync(server.Client, key));
        }

        foreach (var model in new[] { "kjv-embed", "kjv-gpt" })
        {
            using var ready = await server.Client.GetAsync($"v2/models/{model}/versions/1/ready");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        Assert.True(File.Exists(Path.Combine(cache, "iris", "1", "model.onnx")));
        Assert.True(File.Exists(Path.Combine(cache, "iris", "1", "samples.json")));
        Assert.Empty(Directory.EnumerateDirectories(cache, ".staging-*"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(server.ModelRoot));

        // A multipart upload writes the version to the bucket, and it serves like the version it copies.
        var config = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Models, "iris", "1", "config.json")))!.AsObject();
        config["version"] = "7";
        config["stage"] = "staging";
        using var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(await File.ReadAllBytesAsync(Path.Combine(RepositoryPaths.Models, "iris", "1", "model.onnx")));
        part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(part, "model", "model.onnx");
        form.Add(new StringContent(config.ToJsonString()), "config");
        using var created = await server.Client.PostAsync("api/v1/models/iris/versions", form);
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        Assert.Equal(["demo/iris/7/config.json", "demo/iris/7/model.onnx"], (await _s3.ListAsync("demo/iris/7/")).Order(StringComparer.Ordinal));
        Assert.Equal(fromFolder["iris/1"], await InferAsync(server.Client, "iris/7"));

        using var again = await server.Client.PostAsync("api/v1/models/iris/versions", Clone(form, config));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task CorruptedModelObject_IsRefusedWithTheChecksums_AndNeverLoaded()
    {
        var iris = Path.Combine(RepositoryPaths.Models, "iris", "1");
        var model = await File.ReadAllBytesAsync(Path.Combine(iris, "model.onnx"));
        model[^1] ^= 0x5A;
        await _s3.PutAsync("corrupt/iris/1/model.onnx", model);
        await _s3.PutAsync("corrupt/iris/1/config.json", await File.ReadAllBytesAsync(Path.Combine(iris, "config.json")));

        var cache = Path.Combine(_folder, "cache-corrupt");
        await using var server = await ApiServer.StartAsync(prepare: EmptyFolder, settings: _s3.RepositorySettings("corrupt/", cache));

        using var register = await server.Client.PostAsync("api/v1/models/iris/versions", Json("""{"path": "iris/1"}"""));
        var text = await register.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, register.StatusCode);
        var detail = (string)JsonNode.Parse(text)!["detail"]!;
        Assert.Contains("Checksum mismatch for 'iris/1'", detail, StringComparison.Ordinal);
        Assert.Contains("c0f5b28596397d95ad43a174abd0fc8214692a70de4533b2115584cea8a4b9b5", detail, StringComparison.Ordinal);
        Assert.Contains($"bucket '{BucketName}'", detail, StringComparison.Ordinal);

        using var predict = await server.Client.PostAsync("api/v1/predict", Json("""{"model": "iris", "features": [5.1, 3.5, 1.4, 0.2]}"""));
        Assert.Equal(HttpStatusCode.NotFound, predict.StatusCode);
        Assert.False(Directory.Exists(Path.Combine(cache, "iris", "1")));
        Assert.Empty(Directory.EnumerateDirectories(cache, ".staging-*"));

        // A path that would leave the configured prefix is refused before S3 is asked.
        using var escape = await server.Client.PostAsync("api/v1/models/iris/versions", Json("""{"path": "../demo/iris/1"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, escape.StatusCode);
        Assert.Contains("'{name}/{version}'", await escape.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableBucket_IsAClear503_NotAFailure()
    {
        var port = FreePort();
        var settings = _s3.RepositorySettings("demo/", Path.Combine(_folder, "cache-unreachable"));
        settings["ModelRepository:S3:ServiceUrl"] = $"http://127.0.0.1:{port}/";
        settings["ModelRepository:S3:RequestTimeoutSeconds"] = "5";
        await using var server = await ApiServer.StartAsync(prepare: EmptyFolder, settings: settings);

        using var register = await server.Client.PostAsync("api/v1/models/iris/versions", Json("""{"path": "iris/1"}"""));
        var text = await register.Content.ReadAsStringAsync();
        Assert.True(register.StatusCode == HttpStatusCode.ServiceUnavailable, text);
        Assert.Contains("could not be reached", text, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", text, StringComparison.Ordinal);
        Assert.NotNull(register.Headers.RetryAfter);

        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(await File.ReadAllBytesAsync(Path.Combine(RepositoryPaths.Models, "iris", "1", "model.onnx"))), "model", "model.onnx");
        form.Add(new StringContent(await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Models, "iris", "1", "config.json"))), "config");
        using var upload = await server.Client.PostAsync("api/v1/models/iris/versions", form);
        var uploadText = await upload.Content.ReadAsStringAsync();
        Assert.True(upload.StatusCode == HttpStatusCode.ServiceUnavailable, uploadText);
        Assert.Contains("ModelRepository:S3:ServiceUrl", uploadText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VersionMissingFromTheNodesCache_WithTheBucketGone_FailsToLoadWithAClearError()
    {
        await _s3.UploadDemoModelsAsync("demo/");
        var cache = Path.Combine(_folder, "cache-gone");
        var settings = _s3.RepositorySettings("demo/", cache);
        settings["ModelRepository:LoadProductionModelsAtStartup"] = "false";
        settings["ModelRepository:S3:RequestTimeoutSeconds"] = "5";
        await using var server = await ApiServer.StartAsync(prepare: EmptyFolder, settings: settings);

        // A node that has not synced the version yet (another silo's cache), and the bucket is gone.
        Directory.Delete(Path.Combine(cache, "iris", "1"), recursive: true);
        await _s3.DisposeAsync();
        _s3 = null!;

        using var predict = await server.Client.PostAsync("api/v1/predict", Json("""{"model": "iris", "features": [5.1, 3.5, 1.4, 0.2]}"""));
        var text = await predict.Content.ReadAsStringAsync();
        Assert.True(predict.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)predict.StatusCode} {text}");
        Assert.Contains("could not be reached", text, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(cache, "iris", "1")));

        // Versions the node already holds keep serving.
        Assert.NotEmpty(await InferAsync(server.Client, "breast-cancer/2"));
    }

    private static void EmptyFolder(string modelRoot)
    {
        foreach (var dir in Directory.EnumerateDirectories(modelRoot))
        {
            Directory.Delete(dir, recursive: true);
        }

        foreach (var file in Directory.EnumerateFiles(modelRoot))
        {
            File.Delete(file);
        }
    }

    /// <summary>A v2 infer on a version's sample rows; the outputs as JSON text.</summary>
    private static async Task<string> InferAsync(HttpClient client, string key)
    {
        var parts = key.Split('/');
        var samples = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Models, parts[0], parts[1] == "7" ? "1" : parts[1], "samples.json")))!;
        var rows = samples["rows"]!.AsArray().Take(5).Select(r => r!.AsArray()).ToList();
        var body = new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject
            {
                ["name"] = (string)samples["input"]!,
                ["shape"] = new JsonArray(rows.Count, rows[0].Count),
                ["datatype"] = "FP32",
                ["data"] = new JsonArray(rows.SelectMany(r => r.Select(v => (JsonNode)(double)v!)).ToArray()),
            }),
        };
        using var response = await client.PostAsync($"v2/models/{parts[0]}/versions/{parts[1]}/infer", Json(body.ToJsonString()));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{key}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!["outputs"]!.ToJsonString();
    }

    private static MultipartFormDataContent Clone(MultipartFormDataContent _, JsonObject config)
    {
        var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(File.ReadAllBytes(Path.Combine(RepositoryPaths.Models, "iris", "1", "model.onnx"))), "model", "model.onnx");
        form.Add(new StringContent(config.ToJsonString()), "config");
        return form;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
