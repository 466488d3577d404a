using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.Security;

/// <summary>
/// Without API keys (the embedded default) web pages cannot change the server: cross-origin and cross-site posts,
/// DNS-rebinding requests (a foreign Host header on a loopback connection) and non-JSON management bodies are refused,
/// while same-origin pages and non-browser clients are served. Every request goes to the test server on 127.0.0.1.
/// </summary>
public sealed class BrowserRequestGuardTests(DemoServerFixture fixture) : IClassFixture<DemoServerFixture>
{
    private const string DeployIris = """{"version": "1", "traffic_percentage": 100}""";
    private const string PredictIris = """{"model": "iris", "features": [[5.1, 3.5, 1.4, 0.2]]}""";

    [Fact]
    public async Task Deploy_FromAnotherOrigin_IsRefused()
    {
        using var response = await SendAsync("api/v1/models/iris/deploy", DeployIris, "application/json", r => r.Headers.Add("Origin", "http://attacker.example"));
        await AssertRefusedAsync(response, HttpStatusCode.Forbidden, "attacker.example");
    }

    [Fact]
    public async Task Deploy_AddressedToAForeignHost_IsRefused_AsDnsRebinding()
    {
        using var response = await SendAsync("api/v1/models/iris/deploy", DeployIris, "application/json", r => r.Headers.Host = $"attacker.example:{fixture.Server.Address.Port}");
        await AssertRefusedAsync(response, HttpStatusCode.Forbidden, "attacker.example");
    }

    [Fact]
    public async Task Deploy_WithAPlainTextBody_IsRefused_NamingTheTypesTaken()
    {
        using var response = await SendAsync("api/v1/models/iris/deploy", DeployIris, "text/plain", null);
        await AssertRefusedAsync(response, HttpStatusCode.UnsupportedMediaType, "application/json");
    }

    [Fact]
    public async Task BatchSubmit_FromACrossSitePage_IsRefused()
    {
        using var response = await SendAsync("api/v1/batch", """{"model": "iris", "records": [[5.1, 3.5, 1.4, 0.2]]}""", "text/plain", r => r.Headers.Add("Sec-Fetch-Site", "cross-site"));
        await AssertRefusedAsync(response, HttpStatusCode.Forbidden, "Sec-Fetch-Site");
    }

    [Fact]
    public async Task V2Infer_FromAnotherOrigin_IsRefused_WithTheV2ErrorBody()
    {
        using var response = await SendAsync(
            "v2/models/iris/infer", """{"inputs": [{"name": "features", "shape": [1, 4], "datatype": "FP32", "data": [-0.9, 1.0, -1.3, -1.3]}]}""",
            "application/json", r => r.Headers.Add("Origin", "https://attacker.example"));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Contains("attacker.example", (string?)body["error"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Predict_FromItsOwnOrigin_AndFromClientsWithoutOne_IsServed()
    {
        var own = $"http://{fixture.Server.Address.Authority}";
        using (var sameOrigin = await SendAsync("api/v1/predict", PredictIris, "application/json", r => r.Headers.Add("Origin", own)))
        {
            Assert.True(sameOrigin.StatusCode == HttpStatusCode.OK, await sameOrigin.Content.ReadAsStringAsync());
        }

        using var noOrigin = await SendAsync("api/v1/predict", PredictIris, "application/json", null);
        Assert.True(noOrigin.StatusCode == HttpStatusCode.OK, await noOrigin.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Reads_FromAnotherOrigin_AreServed()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/models");
        request.Headers.Add("Origin", "http://attacker.example");
        using var response = await fixture.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<HttpResponseMessage> SendAsync(string path, string body, string contentType, Action<HttpRequestMessage>? configure)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        configure?.Invoke(request);
        return await fixture.Client.SendAsync(request);
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, HttpStatusCode status, string named)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.True(text.Contains(named, StringComparison.Ordinal), $"expected the answer to name '{named}': {text}");
    }
}
