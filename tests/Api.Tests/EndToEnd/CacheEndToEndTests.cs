using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.EndToEnd;

/// <summary>Predict result caching with a TTL, enabled per model in its config.</summary>
public sealed class CacheEndToEndTests : IAsyncLifetime
{
    private ApiServer _server = null!;

    public async Task InitializeAsync() => _server = await ApiServer.StartAsync(prepare: root =>
    {
        var path = Path.Combine(root, "iris", "1", "config.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        config["cache"] = new JsonObject { ["ttl_seconds"] = 1.0, ["max_entries"] = 100 };
        File.WriteAllText(path, config.ToJsonString());
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task RepeatedRequest_IsServedFromTheCache_UntilTheTtlExpires()
    {
        const string body = """{"model": "iris", "features": [6.1, 2.8, 4.7, 1.2]}""";

        var first = await PredictAsync(body);
        var second = await PredictAsync(body);
        var other = await PredictAsync("""{"model": "iris", "features": [6.1, 2.8, 4.7, 1.3]}""");

        Assert.Null(first["cached"]);
        Assert.True((bool)second["cached"]!);
        Assert.Null(other["cached"]);
        Assert.Equal((string?)first["label"], (string?)second["label"]);
        Assert.Equal((double)first["confidence"]!, (double)second["confidence"]!);
        Assert.NotEqual((string?)first["prediction_id"], (string?)second["prediction_id"]);

        await Task.Delay(TimeSpan.FromSeconds(1.3));
        Assert.Null((await PredictAsync(body))["cached"]);

        var metrics = await PrometheusScrape.ReadAsync(_server.Client);
        Assert.Equal(1, metrics.Sum("oi_cache_lookups_total", ("model", "iris"), ("version", "1"), ("result", "hit")));
        Assert.Equal(3, metrics.Sum("oi_cache_lookups_total", ("model", "iris"), ("version", "1"), ("result", "miss")));
    }

    private async Task<JsonNode> PredictAsync(string body)
    {
        using var response = await _server.Client.PostAsync("api/v1/predict", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!;
    }
}
