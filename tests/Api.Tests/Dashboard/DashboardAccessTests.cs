using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.Dashboard;

/// <summary>
/// The Orleans dashboard under <c>/dashboard</c>: its page and its data endpoints need the admin role when keys are
/// configured, and are open in the embedded default (no keys).
/// </summary>
public sealed class DashboardAccessTests(KeyedServerFixture fixture) : IClassFixture<KeyedServerFixture>
{
    /// <summary>The page (without and with the trailing slash) and one of the JSON endpoints the page polls.</summary>
    private static readonly string[] Paths = ["dashboard", "dashboard/", "dashboard/DashboardCounters"];

    [Fact]
    public async Task Dashboard_WithoutKey_Is401()
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
    public async Task Dashboard_WithInferenceKey_Is403()
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
    public async Task Dashboard_WithAdminKey_Is200()
    {
        await AssertDashboardServedAsync(fixture.Server, KeyedServerFixture.AdminSecret);
    }

    [Fact]
    public async Task Dashboard_WithoutKeysConfigured_Is200()
    {
        await using var server = await ApiServer.StartAsync();

        await AssertDashboardServedAsync(server, key: null);
    }

    /// <summary>
    /// The page, the redirect that gives its relative assets the right base, a script and the counters the page polls,
    /// which list this silo and the grid's grain types.
    /// </summary>
    private static async Task AssertDashboardServedAsync(ApiServer server, string? key)
    {
        using (var bare = await SendAsync(server, "dashboard", key))
        {
            Assert.True(bare.StatusCode == HttpStatusCode.MovedPermanently, $"GET /dashboard: expected 301 to /dashboard/, got {(int)bare.StatusCode}.");
            Assert.Equal(new Uri(server.Address, "dashboard/"), new Uri(server.Address, bare.Headers.Location!));
        }

        using (var page = await SendAsync(server, "dashboard/", key))
        {
            Assert.True(page.StatusCode == HttpStatusCode.OK, $"GET /dashboard/: expected 200, got {(int)page.StatusCode}.");
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            Assert.Contains("<title>Orleans Dashboard</title>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var script = await SendAsync(server, "dashboard/index.min.js", key))
        {
            Assert.True(script.StatusCode == HttpStatusCode.OK, $"GET /dashboard/index.min.js: expected 200, got {(int)script.StatusCode}.");
        }

        // The dashboard collects its counters on a timer, so a server that just started may not list its silo yet.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            using var counters = await SendAsync(server, "dashboard/DashboardCounters", key);
            Assert.True(counters.StatusCode == HttpStatusCode.OK, $"GET /dashboard/DashboardCounters: expected 200, got {(int)counters.StatusCode}.");
            Assert.Equal("application/json", counters.Content.Headers.ContentType?.MediaType);
            var text = await counters.Content.ReadAsStringAsync();
            var body = JsonNode.Parse(text)!;
            var hosts = body["hosts"]!.AsArray();
            var grainTypes = body["simpleGrainStats"]!.AsArray().Select(s => (string?)s!["grainType"]).ToList();
            if (hosts.Count == 1 && (string?)hosts[0]!["status"] == "Active" && grainTypes.Contains("OrleansInference.Grains.Models.ModelVersionGrain"))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"GET /dashboard/DashboardCounters did not list one active silo and ModelVersionGrain within 30 s; last answer: {text}");
            await Task.Delay(250);
        }
    }

    /// <summary>A GET that does not follow redirects, with the key in <c>Authorization: Bearer</c> when given.</summary>
    private static async Task<HttpResponseMessage> SendAsync(ApiServer server, string path, string? key)
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(60) };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }
}
