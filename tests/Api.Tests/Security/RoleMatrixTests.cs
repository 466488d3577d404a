using System.Net;
using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using OrleansInference.Api.Grpc.Protocol;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.Security;

/// <summary>
/// With keys configured, every endpoint group answers each caller by role: no key → 401 (except health, liveness and
/// metrics), the inference role → 403 on everything that changes what is served (register, load, unload, stage,
/// archive, deploy, drift reset, experiments, Triton repository control) and on the dashboard, the admin role → past
/// access control everywhere. Requests that pass access control are built to be harmless (unknown ids, empty bodies).
/// </summary>
public sealed class RoleMatrixTests : IAsyncLifetime
{
    private const string AdminSecret = "matrix-admin-secret-0123456789";
    private const string InferenceSecret = "matrix-inference-secret-0123456789";

    private static readonly string Iris = """{"model": "iris", "features": [5.1, 3.5, 1.4, 0.2]}""";

    /// <summary>group, method, path, JSON body (null for none), and the least role that may call it.</summary>
    private static readonly (string Group, string Method, string Path, string? Body, Role Least)[] Endpoints =
    [
        ("predict", "POST", "api/v1/predict", Iris, Role.Inference),
        ("predict", "POST", "api/v1/explain", Iris, Role.Inference),
        ("v2", "GET", "v2", null, Role.Inference),
        ("v2", "GET", "v2/health/live", null, Role.Anonymous),
        ("v2", "GET", "v2/health/ready", null, Role.Anonymous),
        ("v2", "GET", "v2/models/iris", null, Role.Inference),
        ("v2", "GET", "v2/models/iris/ready", null, Role.Inference),
        ("v2", "POST", "v2/models/iris/infer", """{"inputs": [{"name": "features", "shape": [1, 4], "datatype": "FP32", "data": [5.1, 3.5, 1.4, 0.2]}]}""", Role.Inference),
        ("v2", "GET", "v2/models/stats", null, Role.Inference),
        ("v2", "POST", "v2/repository/index", "{}", Role.Inference),
        ("v2", "POST", "v2/repository/models/nope/load", "{}", Role.Admin),
        ("v2", "POST", "v2/repository/models/nope/unload", "{}", Role.Admin),
        ("management", "GET", "api/v1/models", null, Role.Inference),
        ("management", "GET", "api/v1/models/iris", null, Role.Inference),
        ("management", "GET", "api/v1/models/iris/deployment", null, Role.Inference),
        ("management", "GET", "api/v1/models/iris/versions/1/drift", null, Role.Inference),
        ("management", "POST", "api/v1/models/nope/versions", "{}", Role.Admin),
        ("management", "POST", "api/v1/models/nope/versions/1/load", null, Role.Admin),
        ("management", "POST", "api/v1/models/nope/versions/1/unload", null, Role.Admin),
        ("management", "POST", "api/v1/models/nope/versions/1/stage", """{"stage": "production"}""", Role.Admin),
        ("management", "POST", "api/v1/models/nope/versions/1/archive", null, Role.Admin),
        ("management", "POST", "api/v1/models/nope/deploy", """{"version": "1"}""", Role.Admin),
        ("management", "POST", "api/v1/models/nope/versions/1/drift/reset", null, Role.Admin),
        ("experiments", "GET", "api/v1/experiments", null, Role.Inference),
        ("experiments", "GET", "api/v1/experiments/nope", null, Role.Inference),
        ("experiments", "POST", "api/v1/experiments", "{}", Role.Admin),
        ("experiments", "PATCH", "api/v1/experiments/nope", "{}", Role.Admin),
        ("experiments", "POST", "api/v1/experiments/nope/ramp", "{}", Role.Admin),
        ("experiments", "POST", "api/v1/experiments/nope/promote", "{}", Role.Admin),
        ("experiments", "POST", "api/v1/experiments/nope/abort", "{}", Role.Admin),
        ("batch", "POST", "api/v1/batch", """{"model": "iris", "inputs": [[5.1, 3.5, 1.4, 0.2]]}""", Role.Inference),
        ("batch", "GET", "api/v1/batch/nope", null, Role.Inference),
        ("batch", "GET", "api/v1/batch/nope/output", null, Role.Inference),
        ("feedback", "POST", "api/v1/feedback", """{"prediction_id": "nope", "label": "setosa"}""", Role.Inference),
        ("dashboard", "GET", "dashboard/", null, Role.Admin),
        ("dashboard", "GET", "dashboard/DashboardCounters", null, Role.Admin),
        ("generation", "POST", "api/v1/generate", """{"model": "kjv-gpt", "prompt": "And", "max_tokens": 1}""", Role.Inference),
        ("generation", "POST", "api/v1/embed", """{"model": "kjv-embed", "inputs": ["And"]}""", Role.Inference),
        ("generation", "GET", "v1/models", null, Role.Inference),
        ("generation", "POST", "v1/completions", """{"model": "kjv-gpt", "prompt": "And", "max_tokens": 1}""", Role.Inference),
        ("generation", "POST", "v1/embeddings", """{"model": "kjv-embed", "input": "And"}""", Role.Inference),
        ("metrics", "GET", "metrics", null, Role.Anonymous),
        ("health", "GET", "health", null, Role.Anonymous),
    ];

    private ApiServer _server = null!;

    private enum Role
    {
        Anonymous,
        Inference,
        Admin,
    }

    public async Task InitializeAsync() => _server = await ApiServer.StartAsync(settings: new Dictionary<string, string>
    {
        ["Auth:Enabled"] = "true",
        ["Auth:Keys:0:Name"] = "ops",
        ["Auth:Keys:0:Sha256"] = Hash(AdminSecret),
        ["Auth:Keys:0:Role"] = "admin",
        ["Auth:Keys:1:Name"] = "app",
        ["Auth:Keys:1:Sha256"] = Hash(InferenceSecret),
        ["Auth:Keys:1:Role"] = "inference",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task EveryEndpointGroup_AnswersEachRoleAsItsAccessSays()
    {
        var failures = new List<string>();
        foreach (var (group, method, path, body, least) in Endpoints)
        {
            foreach (var (caller, secret) in new (Role, string?)[] { (Role.Anonymous, null), (Role.Inference, InferenceSecret), (Role.Admin, AdminSecret) })
            {
                var (status, text) = await SendAsync(method, path, body, secret);
                var expected = caller >= least ? "past access control (not 401/403, below 500)" : caller == Role.Anonymous ? "401" : "403";
                var ok = caller >= least
                    ? status is not (401 or 403) && status < 500
                    : status == (caller == Role.Anonymous ? 401 : 403);
                if (!ok)
                {
                    failures.Add($"[{group}] {method} {path} as {caller}: expected {expected}, got {status}: {Shorten(text)}");
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} role mismatches:{Environment.NewLine}{string.Join(Environment.NewLine, failures)}");
    }

    [Fact]
    public async Task Grpc_RepositoryControl_NeedsTheAdminRole()
    {
        using var channel = GrpcChannel.ForAddress(_server.GrpcAddress);
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        foreach (var (secret, expected) in new (string?, StatusCode)[] { (null, StatusCode.Unauthenticated), (InferenceSecret, StatusCode.PermissionDenied) })
        {
            var headers = secret is null ? new Metadata() : new Metadata { { "authorization", "Bearer " + secret } };
            var load = await Assert.ThrowsAsync<RpcException>(() => client.RepositoryModelLoadAsync(new RepositoryModelLoadRequest { ModelName = "iris" }, headers, DateTime.UtcNow.AddSeconds(60)).ResponseAsync);
            Assert.Equal(expected, load.StatusCode);
            var unload = await Assert.ThrowsAsync<RpcException>(() => client.RepositoryModelUnloadAsync(new RepositoryModelUnloadRequest { ModelName = "iris" }, headers, DateTime.UtcNow.AddSeconds(60)).ResponseAsync);
            Assert.Equal(expected, unload.StatusCode);
        }

        var inferenceHeaders = new Metadata { { "authorization", "Bearer " + InferenceSecret } };
        var ready = await client.ModelReadyAsync(new ModelReadyRequest { Name = "iris" }, inferenceHeaders, DateTime.UtcNow.AddSeconds(60));
        Assert.True(ready.Ready);
    }

    private async Task<(int Status, string Text)> SendAsync(string method, string path, string? body, string? secret)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        if (secret is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);
        }

        using var response = await _server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var text = response.StatusCode == HttpStatusCode.OK && path.StartsWith("dashboard", StringComparison.Ordinal) ? string.Empty : await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text);
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
