using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using OrleansInference.Api.Grpc.Protocol;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.EndToEnd;

/// <summary>API keys, roles and per-key rate limits on REST, v2 and gRPC.</summary>
public sealed class AuthEndToEndTests : IAsyncLifetime
{
    private const string AdminSecret = "admin-secret-1f9c";
    private const string AppSecret = "app-secret-77b2";
    private const string LimitedSecret = "limited-secret-0a3e";
    private const string PredictBody = """{"model": "iris", "features": [5.1, 3.5, 1.4, 0.2]}""";

    private ApiServer _server = null!;

    public async Task InitializeAsync() => _server = await ApiServer.StartAsync(settings: new Dictionary<string, string>
    {
        ["Auth:Enabled"] = "true",
        ["Auth:Keys:0:Name"] = "ops",
        ["Auth:Keys:0:Sha256"] = Hash(AdminSecret),
        ["Auth:Keys:0:Role"] = "admin",
        ["Auth:Keys:1:Name"] = "app",
        ["Auth:Keys:1:Sha256"] = Hash(AppSecret),
        ["Auth:Keys:1:Role"] = "inference",
        ["Auth:Keys:2:Name"] = "limited",
        ["Auth:Keys:2:Sha256"] = Hash(LimitedSecret),
        ["Auth:Keys:2:Role"] = "inference",
        ["Auth:Keys:2:RequestsPerSecond"] = "0.2",
        ["Auth:Keys:2:Burst"] = "2",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task HealthAndMetrics_StayOpen()
    {
        foreach (var path in new[] { "health", "ready", "v2/health/live", "v2/health/ready", "metrics" })
        {
            using var response = await _server.Client.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, path);
        }
    }

    [Fact]
    public async Task MissingOrWrongKey_Is401_InTheEndpointsProtocol()
    {
        using (var none = await SendAsync(HttpMethod.Post, "api/v1/predict", PredictBody, key: null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
            Assert.Equal("application/problem+json", none.Content.Headers.ContentType?.MediaType);
            Assert.Equal("Bearer", none.Headers.WwwAuthenticate.Single().Scheme);
        }

        using (var wrong = await SendAsync(HttpMethod.Post, "api/v1/predict", PredictBody, key: "not-a-key"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using (var v2 = await SendAsync(HttpMethod.Get, "v2/models/iris", null, key: null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, v2.StatusCode);
            Assert.Contains("API key", (string?)JsonNode.Parse(await v2.Content.ReadAsStringAsync())!["error"], StringComparison.Ordinal);
        }

        using var channel = global::Grpc.Net.Client.GrpcChannel.ForAddress(_server.GrpcAddress);
        var grpc = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var unauthenticated = await Assert.ThrowsAsync<global::Grpc.Core.RpcException>(() => grpc.ServerMetadataAsync(new ServerMetadataRequest()).ResponseAsync);
        Assert.Equal(global::Grpc.Core.StatusCode.Unauthenticated, unauthenticated.StatusCode);
        var metadata = await grpc.ServerMetadataAsync(new ServerMetadataRequest(), new global::Grpc.Core.Metadata { { "authorization", "Bearer " + AppSecret } });
        Assert.Equal("orleans-inference", metadata.Name);
    }

    [Fact]
    public async Task InferenceKey_Predicts_ButOnlyAdminKeyDeploys()
    {
        using (var bearer = await SendAsync(HttpMethod.Post, "api/v1/predict", PredictBody, AppSecret))
        {
            Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);
        }

        using (var header = new HttpRequestMessage(HttpMethod.Post, "api/v1/predict") { Content = new StringContent(PredictBody, Encoding.UTF8, "application/json") })
        {
            header.Headers.Add("X-API-Key", AppSecret);
            using var response = await _server.Client.SendAsync(header);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        const string deploy = """{"version": "1", "traffic_percentage": 100}""";
        using (var forbidden = await SendAsync(HttpMethod.Post, "api/v1/models/breast-cancer/deploy", deploy, AppSecret))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
            Assert.Contains("admin", (string?)JsonNode.Parse(await forbidden.Content.ReadAsStringAsync())!["detail"], StringComparison.Ordinal);
        }

        using (var unload = await SendAsync(HttpMethod.Post, "v2/repository/models/iris/unload", null, AppSecret))
        {
            Assert.Equal(HttpStatusCode.Forbidden, unload.StatusCode);
        }

        using var allowed = await SendAsync(HttpMethod.Post, "api/v1/models/breast-cancer/deploy", deploy, AdminSecret);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task KeyOverItsRate_Is429WithRetryAfter()
    {
        var statuses = new List<HttpStatusCode>();
        TimeSpan? retryAfter = null;
        for (var i = 0; i < 4; i++)
        {
            using var response = await SendAsync(HttpMethod.Post, "api/v1/predict", PredictBody, LimitedSecret);
            statuses.Add(response.StatusCode);
            retryAfter ??= response.Headers.RetryAfter?.Delta;
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        Assert.NotNull(retryAfter);
        using var other = await SendAsync(HttpMethod.Post, "api/v1/predict", PredictBody, AppSecret);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task EnabledWithoutKeys_StopsStartUpNamingTheSetting()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            ApiServer.StartAsync(settings: new Dictionary<string, string> { ["Auth:Enabled"] = "true" }));

        Assert.Contains("Auth:Keys", error.Message, StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? body, string? key)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return await _server.Client.SendAsync(request);
    }

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
