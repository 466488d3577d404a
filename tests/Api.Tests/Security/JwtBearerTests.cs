using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Grpc.Core;
using Microsoft.Extensions.Options;
using OrleansInference.Api.Grpc.Protocol;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.Security;

/// <summary>
/// JWT bearer tokens beside API keys: tokens this test signs (HS256 and RS256) with the role claim mapped onto the admin
/// and inference roles, on REST, v2, gRPC and the dashboard; every kind of bad token refused with a message that says why.
/// </summary>
public sealed class JwtBearerTests(JwtServerFixture fixture) : IClassFixture<JwtServerFixture>
{
    private const string PredictBody = """{"model": "iris", "features": [5.1, 3.5, 1.4, 0.2]}""";
    private const string DeployBody = """{"version": "1", "traffic_percentage": 100}""";
    private const string V2Body = """{"inputs": [{"name": "features", "shape": [1, 4], "datatype": "FP32", "data": [5.1, 3.5, 1.4, 0.2]}]}""";

    private JwtTokens Tokens => fixture.Tokens;

    [Fact]
    public async Task AdminToken_Predicts_Deploys_AndOpensTheDashboard()
    {
        var token = Tokens.Hmac("admin");

        await AssertStatusAsync(HttpMethod.Post, "api/v1/predict", PredictBody, token, HttpStatusCode.OK);
        await AssertStatusAsync(HttpMethod.Post, "api/v1/models/breast-cancer/deploy", DeployBody, token, HttpStatusCode.OK);
        await AssertStatusAsync(HttpMethod.Get, "dashboard/", null, token, HttpStatusCode.OK);
    }

    [Fact]
    public async Task RsaSignedAdminToken_IsAccepted()
    {
        await AssertStatusAsync(HttpMethod.Post, "api/v1/models/breast-cancer/deploy", DeployBody, Tokens.Rsa("admin"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task InferenceToken_Predicts_ButManagementAndDashboardAre403()
    {
        var token = Tokens.Hmac("inference", subject: "app-7");

        await AssertStatusAsync(HttpMethod.Post, "api/v1/predict", PredictBody, token, HttpStatusCode.OK);
        await AssertStatusAsync(HttpMethod.Post, "v2/models/iris/infer", V2Body, token, HttpStatusCode.OK);
        var deploy = await AssertStatusAsync(HttpMethod.Post, "api/v1/models/breast-cancer/deploy", DeployBody, token, HttpStatusCode.Forbidden);
        Assert.Contains("jwt:app-7", deploy, StringComparison.Ordinal);
        Assert.Contains("needs the admin role", deploy, StringComparison.Ordinal);
        await AssertStatusAsync(HttpMethod.Post, "v2/repository/models/iris/unload", null, token, HttpStatusCode.Forbidden);
        await AssertStatusAsync(HttpMethod.Get, "dashboard/", null, token, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task ApiKeys_KeepWorkingBesideTokens()
    {
        await AssertStatusAsync(HttpMethod.Post, "api/v1/models/breast-cancer/deploy", DeployBody, JwtServerFixture.AdminKeySecret, HttpStatusCode.OK);
        await AssertStatusAsync(HttpMethod.Post, "api/v1/predict", PredictBody, "not-a-key-nor-a-token", HttpStatusCode.Unauthorized, "neither a known API key nor a well-formed JWT");
    }

    [Fact]
    public async Task BadTokens_Are401_NamingWhatIsWrong()
    {
        var cases = new (string Name, string Token, string Expected)[]
        {
            ("expired", Tokens.Hmac("admin", expires: DateTime.UtcNow.AddMinutes(-5)), "expired at"),
            ("wrong issuer", Tokens.Hmac("admin", issuer: "https://other.test"), "issuer 'https://other.test'"),
            ("wrong audience", Tokens.Hmac("admin", audience: "someone-else"), "audience ('aud') is not this server's"),
            ("wrong HMAC key", Tokens.Hmac("admin", key: new byte[32]), "signature does not verify"),
            ("untrusted RSA key", Tokens.Rsa("admin", trusted: false), "signature does not verify"),
        };
        foreach (var (name, token, expected) in cases)
        {
            var detail = await AssertStatusAsync(HttpMethod.Post, "api/v1/predict", PredictBody, token, HttpStatusCode.Unauthorized, expected, name);
            Assert.DoesNotContain(token, detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task BadToken_OnV2_IsTheV2ErrorBody()
    {
        using var response = await SendAsync(HttpMethod.Post, "v2/models/iris/infer", V2Body, Tokens.Hmac("inference", expires: DateTime.UtcNow.AddMinutes(-5)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("expired", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"], StringComparison.Ordinal);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenWithoutAKnownRole_Is403()
    {
        foreach (var role in new[] { null, "viewer" })
        {
            var detail = await AssertStatusAsync(HttpMethod.Post, "api/v1/predict", PredictBody, Tokens.Hmac(role), HttpStatusCode.Forbidden, "no role this server knows in claim 'role'", role ?? "no role");
            Assert.Contains("'admin' or 'inference'", detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Grpc_AuthorizationMetadata_CarriesTokens()
    {
        using var channel = global::Grpc.Net.Client.GrpcChannel.ForAddress(fixture.Server.GrpcAddress);
        var grpc = new GRPCInferenceService.GRPCInferenceServiceClient(channel);

        var metadata = await grpc.ServerMetadataAsync(new ServerMetadataRequest(), Bearer(Tokens.Hmac("inference")));
        Assert.Equal("orleans-inference", metadata.Name);

        var expired = await Assert.ThrowsAsync<RpcException>(() =>
            grpc.ServerMetadataAsync(new ServerMetadataRequest(), Bearer(Tokens.Hmac("inference", expires: DateTime.UtcNow.AddMinutes(-5)))).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, expired.StatusCode);
        Assert.Contains("expired", expired.Status.Detail, StringComparison.Ordinal);

        var denied = await Assert.ThrowsAsync<RpcException>(() =>
            grpc.RepositoryModelUnloadAsync(new RepositoryModelUnloadRequest { ModelName = "iris" }, Bearer(Tokens.Hmac("inference"))).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
    }

    [Theory]
    [InlineData("Auth:Jwt:SymmetricKey", "c2hvcnQ=", "Auth:Jwt:SymmetricKey decodes to 5 bytes")]
    [InlineData("Auth:Jwt:SymmetricKey", "not base64!", "Auth:Jwt:SymmetricKey must be base64")]
    [InlineData("Auth:Jwt:RsaPublicKeyPem", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----", "Auth:Jwt:RsaPublicKeyPem")]
    [InlineData("Auth:Jwt:Issuer", "", "Auth:Jwt:Issuer")]
    [InlineData("Auth:Jwt:Audience", "", "Auth:Jwt:Audience")]
    [InlineData("Auth:Jwt:ClockSkew", "01:00:00", "Auth:Jwt:ClockSkew")]
    [InlineData("Auth:Enabled", "false", "Auth:Enabled is false")]
    public async Task InvalidJwtSettings_StopStartUpNamingTheKey(string key, string value, string expected)
    {
        using var tokens = new JwtTokens();
        var settings = tokens.Settings();
        settings[key] = value;

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ApiServer.StartAsync(settings: settings));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private static Metadata Bearer(string token) => new() { { "authorization", "Bearer " + token } };

    /// <summary>Sends the request and returns the problem's detail (or the v2 error), asserting the status and the text it names.</summary>
    private async Task<string> AssertStatusAsync(HttpMethod method, string path, string? body, string credential, HttpStatusCode expected, string? text = null, string? name = null)
    {
        using var response = await SendAsync(method, path, body, credential);
        var content = await response.Content.ReadAsStringAsync();
        var label = $"{name ?? "request"}: {method} /{path}";
        Assert.True(response.StatusCode == expected, $"{label}: expected {(int)expected}, got {(int)response.StatusCode} {content}");
        if (expected is HttpStatusCode.OK)
        {
            return content;
        }

        var json = JsonNode.Parse(content)!;
        var detail = (string?)json["detail"] ?? (string?)json["error"] ?? content;
        if (!path.StartsWith("v2/", StringComparison.Ordinal))
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        if (text is not null)
        {
            Assert.True(detail.Contains(text, StringComparison.Ordinal), $"{label}: expected the detail to contain '{text}'; got '{detail}'");
        }

        return detail;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? body, string credential)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        return await fixture.Server.Client.SendAsync(request);
    }
}
