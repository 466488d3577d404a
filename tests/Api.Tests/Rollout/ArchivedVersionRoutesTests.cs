using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using OrleansInference.Api.Grpc.Protocol;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.Rollout;

/// <summary>
/// An archived version serves through no route: each route that names a version (own predict and explain, v2 REST
/// infer, gRPC ModelInfer, batch jobs, generate, embed) serves it while it is staged and refuses it, without a 5xx,
/// once it is archived.
/// </summary>
public sealed class ArchivedVersionRoutesTests : IAsyncLifetime
{
    private static readonly string Features = string.Join(", ", Enumerable.Repeat("0.5", 30));

    /// <summary>Each route with an explicit version: its name, the version it names, and the request.</summary>
    private static readonly (string Route, string Key, Func<ArchivedVersionRoutesTests, Task<(int Status, string Text)>> Call)[] Routes =
    [
        ("predict", "breast-cancer/1", t => t.PostAsync("api/v1/predict", $$"""{"model": "breast-cancer", "version": "1", "features": [{{Features}}]}""")),
        ("explain", "breast-cancer/1", t => t.PostAsync("api/v1/explain", $$"""{"model": "breast-cancer", "version": "1", "features": [{{Features}}]}""")),
        ("v2 infer", "breast-cancer/1", t => t.PostAsync("v2/models/breast-cancer/versions/1/infer", $$"""{"inputs": [{"name": "features", "shape": [1, 30], "datatype": "FP32", "data": [{{Features}}]}]}""")),
        ("grpc ModelInfer", "breast-cancer/1", t => t.GrpcInferAsync()),
        ("batch", "breast-cancer/1", t => t.PostAsync("api/v1/batch", $$"""{"model": "breast-cancer", "version": "1", "inputs": [[{{Features}}]]}""")),
        ("generate", "kjv-gpt/2", t => t.PostAsync("api/v1/generate", """{"model": "kjv-gpt", "version": "2", "prompt": "And God", "max_tokens": 2, "seed": 1}""")),
        ("embed", "kjv-embed/2", t => t.PostAsync("api/v1/embed", """{"model": "kjv-embed", "version": "2", "inputs": ["And God said"]}""")),
    ];

    private ApiServer _server = null!;
    private GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _server = await ApiServer.StartAsync(prepare: root =>
        {
            // Second versions of the text models, so one can be archived while version 1 serves.
            foreach (var model in new[] { "kjv-gpt", "kjv-embed" })
            {
                RepositoryPaths.CopyDirectory(Path.Combine(root, model, "1"), Path.Combine(root, model, "2"));
                var configPath = Path.Combine(root, model, "2", "config.json");
                var config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
                config["version"] = "2";
                config["stage"] = "staging";
                config.Remove("sha256");
                File.WriteAllText(configPath, config.ToJsonString());
            }
        });
        _channel = GrpcChannel.ForAddress(_server.GrpcAddress);
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task ArchivedVersion_IsServedByNoRoute()
    {
        foreach (var (route, key, call) in Routes)
        {
            var (status, text) = await call(this);
            Assert.True(status is >= 200 and < 300, $"{route} on {key} before archiving: expected success, got {status}: {text}");
        }

        foreach (var key in Routes.Select(r => r.Key).Distinct())
        {
            using var archived = await _server.Client.PostAsync($"api/v1/models/{key.Replace("/", "/versions/", StringComparison.Ordinal)}/archive", null);
            Assert.True(archived.StatusCode == HttpStatusCode.OK, $"archive {key}: {(int)archived.StatusCode} {await archived.Content.ReadAsStringAsync()}");
        }

        var failures = new List<string>();
        foreach (var (route, key, call) in Routes)
        {
            var (status, text) = await call(this);
            if (status != 404 || !text.Contains("archived", StringComparison.Ordinal) || !text.Contains(key, StringComparison.Ordinal))
            {
                failures.Add($"{route} on archived {key}: expected 404 naming the archived version, got {status}: {text}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    private async Task<(int Status, string Text)> PostAsync(string path, string body)
    {
        using var response = await _server.Client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<(int Status, string Text)> GrpcInferAsync()
    {
        var request = new ModelInferRequest { ModelName = "breast-cancer", ModelVersion = "1" };
        request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = "features", Datatype = "FP32", Shape = { 1, 30 } });
        request.RawInputContents.Add(ByteString.CopyFrom(new byte[30 * 4]));
        try
        {
            await new GRPCInferenceService.GRPCInferenceServiceClient(_channel).ModelInferAsync(request, deadline: DateTime.UtcNow.AddSeconds(60));
            return (200, "ok");
        }
        catch (RpcException ex)
        {
            // Mapped to the HTTP status the table expects: NotFound is 404, anything else keeps its gRPC name.
            return (ex.StatusCode == StatusCode.NotFound ? 404 : 1000 + (int)ex.StatusCode, ex.Status.Detail);
        }
    }
}
