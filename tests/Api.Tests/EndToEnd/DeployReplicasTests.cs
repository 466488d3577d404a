using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.EndToEnd;

/// <summary>The deploy API's <c>replicas</c>: validated, stored with the deployment (across a restart) and shown.</summary>
public sealed class DeployReplicasTests : IAsyncLifetime
{
    private ApiServer _server = null!;

    public async Task InitializeAsync() => _server = await ApiServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Replicas_AreValidatedStoredAndShown()
    {
        foreach (var replicas in new[] { "0", "-2", "\"two\"", "1.5", "true" })
        {
            using var refused = await DeployAsync($$"""{"version": "1", "replicas": {{replicas}}}""");
            var text = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, $"replicas {replicas}: {(int)refused.StatusCode} {text}");
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.Contains("replicas", (string?)JsonNode.Parse(text)!["detail"], StringComparison.Ordinal);
        }

        // Nothing changed: no deployment was stored by the refused requests.
        var before = JsonNode.Parse(await _server.Client.GetStringAsync("api/v1/models/breast-cancer/deployment"))!;
        Assert.Null(before["replicas"]);

        using (var deployed = await DeployAsync("""{"version": "1", "replicas": 3}"""))
        {
            var text = await deployed.Content.ReadAsStringAsync();
            Assert.True(deployed.StatusCode == HttpStatusCode.OK, text);
            Assert.Equal(3, (int?)JsonNode.Parse(text)!["replicas"]);
        }

        // One silo serves whatever the count: the embedded default predicts as before.
        using (var predicted = await _server.Client.PostAsync("api/v1/predict", new StringContent(
            """{"model": "breast-cancer", "features": {"mean radius": 13.5, "mean texture": 14.4}}""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, predicted.StatusCode);
            Assert.Equal("1", (string?)JsonNode.Parse(await predicted.Content.ReadAsStringAsync())!["model_version"]);
        }

        Assert.Equal(3, (int?)JsonNode.Parse(await _server.Client.GetStringAsync("api/v1/models/breast-cancer/deployment"))!["replicas"]);
        Assert.Equal(3, (int?)JsonNode.Parse(await _server.Client.GetStringAsync("api/v1/models/breast-cancer"))!["deployment"]!["replicas"]);

        // Stored with the deployment: a restart over the same folder keeps it; a deploy without it means every silo.
        var directory = _server.Directory;
        await _server.StopAsync();
        _server = await ApiServer.StartAsync(directory: directory);
        Assert.Equal(3, (int?)JsonNode.Parse(await _server.Client.GetStringAsync("api/v1/models/breast-cancer/deployment"))!["replicas"]);
        using (var all = await DeployAsync("""{"version": "2"}"""))
        {
            Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        }

        Assert.Null(JsonNode.Parse(await _server.Client.GetStringAsync("api/v1/models/breast-cancer/deployment"))!["replicas"]);
    }

    private Task<HttpResponseMessage> DeployAsync(string body) =>
        _server.Client.PostAsync("api/v1/models/breast-cancer/deploy", new StringContent(body, Encoding.UTF8, "application/json"));
}
