using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OrleansInference.Api.Tests.Infrastructure;

namespace OrleansInference.Api.Tests.EndToEnd;

/// <summary><c>POST /api/v1/explain</c>: occlusion attributions that agree with predictions made separately.</summary>
public sealed class ExplainEndToEndTests(DemoServerFixture fixture) : IClassFixture<DemoServerFixture>
{
    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task Explain_AttributionsMatchTheDropInProbabilityWhenAFeatureIsReset()
    {
        var features = new JsonObject
        {
            ["mean radius"] = 17.9, ["mean texture"] = 10.4, ["mean perimeter"] = 122.8, ["mean area"] = 1001.0,
            ["worst radius"] = 25.4, ["worst texture"] = 17.3, ["worst perimeter"] = 184.6, ["worst area"] = 2019.0,
            ["worst concave points"] = 0.27,
        };

        var explanation = await PostAsync("api/v1/explain", new JsonObject { ["model"] = "breast-cancer", ["version"] = "1", ["features"] = features.DeepClone() });

        Assert.Equal("malignant", (string?)explanation["label"]);
        var attributions = explanation["attributions"]!.AsArray();
        Assert.Equal(30, attributions.Count);
        var magnitudes = attributions.Select(a => Math.Abs((double)a!["contribution"]!)).ToArray();
        Assert.Equal(magnitudes.OrderByDescending(m => m), magnitudes);
        Assert.All(attributions.Where(a => !features.ContainsKey((string)a!["feature"]!)), a => Assert.Equal(0.0, (double)a!["contribution"]!, 1e-6));

        // Resetting the most important feature to its baseline changes the probability by exactly its contribution.
        var top = attributions[0]!;
        var reset = (JsonObject)features.DeepClone();
        reset[(string)top["feature"]!] = (double)top["baseline"]!;
        var prediction = await PostAsync("api/v1/predict", new JsonObject { ["model"] = "breast-cancer", ["version"] = "1", ["features"] = reset });
        var probability = (double)explanation["probability"]!;
        var after = (string?)prediction["label"] == "malignant" ? (double)prediction["confidence"]! : 1 - (double)prediction["confidence"]!;
        Assert.Equal(probability - (double)top["contribution"]!, after, 1e-5);
    }

    [Theory]
    [InlineData("""{"model": "breast-cancer", "features": [[1, 2], [3, 4]]}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"model": "nope", "features": [1]}""", HttpStatusCode.NotFound)]
    [InlineData("""{"model": "iris"}""", HttpStatusCode.BadRequest)]
    public async Task Explain_BadRequest_IsRejected(string body, HttpStatusCode expected)
    {
        using var response = await _client.PostAsync("api/v1/explain", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(expected, response.StatusCode);
    }

    private async Task<JsonNode> PostAsync(string path, JsonObject body)
    {
        using var response = await _client.PostAsync(path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!;
    }
}
