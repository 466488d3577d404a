using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using OrleansInference.Api.Tests.Dashboard;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.Operator;

/// <summary>
/// The operator page under <c>/ui/</c>, its files and the JSON it polls: the admin role when keys are configured (like
/// the Orleans dashboard), open to loopback callers addressed by a loopback name when no keys are configured.
/// </summary>
public sealed class OperatorAccessTests(KeyedServerFixture fixture) : IClassFixture<KeyedServerFixture>
{
    /// <summary>The root redirect, the page (without and with the slash), its script and style, and the overview.</summary>
    private static readonly string[] Paths = ["", "ui", "ui/", "ui/operator.js", "ui/operator.css", "ui/api/overview"];

    [Fact]
    public async Task OperatorPage_WithoutKey_Is401()
    {
        foreach (var path in Paths)
        {
            using var response = await SendAsync(fixture.Server, path, key: null);

            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"GET /{path} without a key: expected 401, got {(int)response.StatusCode}.");
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task OperatorPage_WithInferenceKey_Is403()
    {
        foreach (var path in Paths)
        {
            using var response = await SendAsync(fixture.Server, path, KeyedServerFixture.InferenceSecret);

            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"GET /{path} with the inference key: expected 403, got {(int)response.StatusCode}.");
            var detail = (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"];
            Assert.Contains("admin role", detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task OperatorPage_WithAdminKey_Is200()
    {
        await AssertServedAsync(fixture.Server, KeyedServerFixture.AdminSecret);
    }

    [Fact]
    public async Task OperatorPage_WithoutKeysConfigured_IsServedToLoopbackOnly()
    {
        await using var server = await ApiServer.StartAsync();

        await AssertServedAsync(server, key: null);

        // A page of another site whose name now resolves to 127.0.0.1 (DNS rebinding) sends its own name as Host.
        foreach (var path in Paths)
        {
            using var rebound = await SendAsync(server, path, key: null, host: "attacker.example");
            Assert.True(rebound.StatusCode == HttpStatusCode.Forbidden, $"GET /{path} with Host attacker.example: expected 403, got {(int)rebound.StatusCode}.");
            var detail = (string?)JsonNode.Parse(await rebound.Content.ReadAsStringAsync())!["detail"];
            Assert.Contains("'attacker.example'", detail, StringComparison.Ordinal);
            Assert.Contains("loopback", detail, StringComparison.Ordinal);
        }

        using var localhost = await SendAsync(server, "ui/api/overview", key: null, host: $"localhost:{server.Address.Port}");
        Assert.True(localhost.StatusCode == HttpStatusCode.OK, $"GET /ui/api/overview with Host localhost: expected 200, got {(int)localhost.StatusCode}.");
    }

    [Fact]
    public async Task OperatorPage_UnknownFile_Is404()
    {
        using var response = await SendAsync(fixture.Server, "ui/secrets.json", KeyedServerFixture.AdminSecret);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    /// <summary>
    /// The redirects, the page with its security headers, its script and style (no other origin referenced), and an
    /// overview that lists the demo models with their versions' states.
    /// </summary>
    private static async Task AssertServedAsync(ApiServer server, string? key)
    {
        using (var root = await SendAsync(server, "", key))
        {
            Assert.True(root.StatusCode == HttpStatusCode.Redirect, $"GET /: expected 302 to /ui/, got {(int)root.StatusCode}.");
            Assert.Equal(new Uri(server.Address, "ui/"), new Uri(server.Address, root.Headers.Location!));
        }

        using (var bare = await SendAsync(server, "ui", key))
        {
            Assert.True(bare.StatusCode == HttpStatusCode.MovedPermanently, $"GET /ui: expected 301 to /ui/, got {(int)bare.StatusCode}.");
            Assert.Equal(new Uri(server.Address, "ui/"), new Uri(server.Address, bare.Headers.Location!));
        }

        using (var page = await SendAsync(server, "ui/", key))
        {
            Assert.True(page.StatusCode == HttpStatusCode.OK, $"GET /ui/: expected 200, got {(int)page.StatusCode}.");
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            var html = await page.Content.ReadAsStringAsync();
            Assert.Contains("<title>OrleansInference · operator</title>", html, StringComparison.Ordinal);
            Assert.Contains("href=\"../dashboard/\"", html, StringComparison.Ordinal);
            Assert.DoesNotMatch("(src|href)=\"(https?:)?//", html);
            var csp = page.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        }

        foreach (var (file, type) in new[] { ("operator.js", "text/javascript"), ("operator.css", "text/css") })
        {
            using var asset = await SendAsync(server, "ui/" + file, key);
            Assert.True(asset.StatusCode == HttpStatusCode.OK, $"GET /ui/{file}: expected 200, got {(int)asset.StatusCode}.");
            Assert.Equal(type, asset.Content.Headers.ContentType?.MediaType);
            Assert.DoesNotContain("https://", await asset.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var overview = await SendAsync(server, "ui/api/overview", key);
        Assert.True(overview.StatusCode == HttpStatusCode.OK, $"GET /ui/api/overview: expected 200, got {(int)overview.StatusCode}.");
        Assert.Equal("application/json", overview.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-store", overview.Headers.CacheControl?.ToString());
        var body = JsonNode.Parse(await overview.Content.ReadAsStringAsync())!;
        Assert.Equal("../dashboard/", (string?)body["links"]!["dashboard"]);
        var iris = body["models"]!.AsArray().Single(m => (string?)m!["name"] == "iris")!;
        var version = iris["versions"]!.AsArray().Single(v => (string?)v!["version"] == "1")!;
        Assert.Equal("ready", (string?)version["state"]);
        Assert.Equal("CPU", (string?)version["execution_provider"]);
        Assert.NotNull(version["statistics"]!["inference_count"]);
        Assert.NotNull(body["experiments"]!.AsArray());
        Assert.NotNull(body["batch_jobs"]!.AsArray());
        Assert.NotNull(body["alerts"]!.AsArray());
    }

    /// <summary>A GET that does not follow redirects, with the key in <c>Authorization: Bearer</c> and a Host when given.</summary>
    private static async Task<HttpResponseMessage> SendAsync(ApiServer server, string path, string? key, string? host = null)
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(60) };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        if (host is not null)
        {
            request.Headers.Host = host;
        }

        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }
}
